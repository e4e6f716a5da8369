/**
 * A small application under test: tasks compiled by the real annotation processor, and the code
 * that defers them through the generated deferrers.
 */
@NullMarked
package dev.procrastinate.test.shop;

import org.jspecify.annotations.NullMarked;
