package com.example.shop;

import org.springframework.data.jpa.repository.JpaRepository;

/** The shop's receipts, each referencing the job that printed it (ON DELETE CASCADE). */
public interface ReceiptRepository extends JpaRepository<Receipt, Long> {}
