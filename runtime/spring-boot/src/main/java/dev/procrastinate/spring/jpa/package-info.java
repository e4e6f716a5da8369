/**
 * The JPA side of the starter: the read-only entities of {@code dev.procrastinate.jpa} registered
 * with the application's entity manager (no {@code @EntityScan} edit needed), and read-only Spring
 * Data repositories over them when Spring Data JPA is present.
 *
 * <p>The repositories are beans made by {@code JpaRepositoryFactory} on the application's entity
 * manager factory, not found by repository scanning: so they exist whether or not the application
 * declares {@code @EnableJpaRepositories}, and they do not turn off Spring Boot's own repository
 * auto-configuration.
 */
@NullMarked
package dev.procrastinate.spring.jpa;

import org.jspecify.annotations.NullMarked;
