/**
 * The operations layer: what the front ends do, in plain Java, so that the command line ({@code
 * procrastinate-cli}) and the Maven goals accept the same inputs, read them the same way and refuse
 * them with the same messages. A front end only parses its own syntax (picocli options, Maven
 * parameters), hands the text it was given to this layer, prints the outcome and maps exceptions to
 * its own failures.
 *
 * <ul>
 *   <li>{@link dev.procrastinate.operations.DeferRequest} and {@link
 *       dev.procrastinate.operations.Operations#defer(DeferRequest)}: defer a task by name;
 *   <li>{@link dev.procrastinate.operations.WorkerRequest}: worker options laid over the
 *       deployment's worker settings;
 *   <li>{@link dev.procrastinate.operations.Inputs}: date-times, durations and the other inputs,
 *       read in one place;
 *   <li>{@link dev.procrastinate.operations.Operations#healthChecks()}: the health checks;
 *   <li>{@link dev.procrastinate.operations.Operations#check()}: the deploy check of the code's
 *       tasks against the waiting jobs, a {@link dev.procrastinate.operations.CheckReport};
 *   <li>{@link dev.procrastinate.operations.Shell}: the administration shell.
 * </ul>
 *
 * <p>A bad input is an {@link dev.procrastinate.operations.InputException} whose message names the
 * input as the front end spells it ({@link dev.procrastinate.operations.InputNames}). Applications
 * do not need this package; it has no dependency beyond the runtime's own.
 */
@NullMarked
package dev.procrastinate.operations;

import org.jspecify.annotations.NullMarked;
