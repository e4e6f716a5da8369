package dev.procrastinate.processor.model;

/**
 * A validated {@code @Periodic}.
 *
 * @param cron the cron expression as written
 * @param periodicId the periodic id
 * @param argsJson the fixed arguments, a JSON object
 */
public record PeriodicModel(String cron, String periodicId, String argsJson) {}
