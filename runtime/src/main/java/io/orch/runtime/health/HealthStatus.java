package io.orch.runtime.health;

/** Docker's container health: starting until the first success (or the retries run out). */
public enum HealthStatus { STARTING, HEALTHY, UNHEALTHY }
