package dev.procrastinate.spring.app;

import org.springframework.data.jpa.repository.JpaRepository;

/** The application's own repository, found by Spring Boot's repository scanning. */
public interface OrderRepository extends JpaRepository<Order, Long> {}
