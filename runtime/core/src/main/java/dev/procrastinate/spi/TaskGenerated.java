package dev.procrastinate.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class written by {@code procrastinate-processor}, so that coverage and other bytecode
 * tools can recognise generated code. Generated code refers to it; applications need not.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface TaskGenerated {}
