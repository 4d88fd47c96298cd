/**
 * Supervision's decisions, as Docker makes them: whether an exited container is restarted
 * ({@link dev.vessel.engine.supervise.RestartPolicy}) and after how long
 * ({@link dev.vessel.engine.supervise.RestartBackoff}); what a health check runs and how often
 * ({@link dev.vessel.engine.supervise.HealthConfig}); and what its results mean
 * ({@link dev.vessel.engine.supervise.HealthState}).
 *
 * <p>Nothing here runs a process, reads a clock or sleeps: the reconcile loop passes exit codes,
 * instants and durations in and acts on the answers, so every rule is testable as plain Java.
 */
package dev.vessel.engine.supervise;
