package dev.opsworkbook.health;

/**
 * The state of one dependency, and of the service as a whole in {@code /healthz}'s per-check entries.
 * Each has the word the JSON payload uses and the value of the {@code health_dependency_status} gauge.
 */
public enum Status {
    /** Working. JSON {@code "up"}, gauge 1. */
    UP("up", 1.0),
    /** Working, but impaired (for example Redis still loading its dataset). JSON {@code "degraded"}, gauge 0.5. */
    DEGRADED("degraded", 0.5),
    /** Not working, timed out, or the check threw. JSON {@code "down"}, gauge 0. */
    DOWN("down", 0.0);

    private final String json;
    private final double gaugeValue;

    Status(String json, double gaugeValue) {
        this.json = json;
        this.gaugeValue = gaugeValue;
    }

    /** The lower-case word written in JSON: {@code up}, {@code degraded} or {@code down}. */
    public String json() {
        return json;
    }

    /** The value of the {@code health_dependency_status} gauge: 1, 0.5 or 0. */
    public double gaugeValue() {
        return gaugeValue;
    }
}
