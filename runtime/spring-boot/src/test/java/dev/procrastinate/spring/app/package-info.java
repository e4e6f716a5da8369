/** A Spring Boot application for the starter's tests: tasks, an entity related to jobs. */
@NullMarked
package dev.procrastinate.spring.app;

import org.jspecify.annotations.NullMarked;
