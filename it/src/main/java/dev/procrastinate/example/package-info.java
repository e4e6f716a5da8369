/**
 * An example application of procrastinate-java: {@code @Task} methods for mail, reports and a
 * catalogue of every supported parameter type, compiled with {@code procrastinate-processor} on
 * {@code annotationProcessorPaths}, as the README tells users to.
 */
@NullMarked
package dev.procrastinate.example;

import org.jspecify.annotations.NullMarked;
