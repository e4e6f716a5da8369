package com.example.shop;

import org.springframework.data.jpa.repository.JpaRepository;

/** The shop's orders, each referencing the job that ships it (ON DELETE SET NULL). */
public interface OrderRepository extends JpaRepository<Order, Long> {
  /**
   * Counts the orders with a reference.
   *
   * @param reference the order's reference
   * @return how many orders have it
   */
  long countByReference(String reference);
}
