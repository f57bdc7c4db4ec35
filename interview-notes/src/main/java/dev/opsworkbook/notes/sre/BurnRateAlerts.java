package dev.opsworkbook.notes.sre;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Q36: an SLO's error budget and multi-window, multi-burn-rate alerts, as in the Google SRE Workbook, chapter
 * "Alerting on SLOs". Events are counted in one-minute buckets over the longest window (3 days).
 */
public final class BurnRateAlerts {

    enum Severity { PAGE, TICKET }

    // @start region=rules
    /** Fire when the burn rate exceeds {@code burnRate} over both the long and the short window. */
    record Rule(Duration longWindow, Duration shortWindow, double burnRate, Severity severity) {
    }

    /** The Workbook's recommended set for a 30-day SLO: 2% of the budget in 1 h, 5% in 6 h, 10% in 3 days. */
    static final List<Rule> WORKBOOK_RULES = List.of(
            new Rule(Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Severity.PAGE),
            new Rule(Duration.ofHours(6), Duration.ofMinutes(30), 6, Severity.PAGE),
            new Rule(Duration.ofDays(3), Duration.ofHours(6), 1, Severity.TICKET));
    // @end region=rules

    private static final int MINUTES = (int) Duration.ofDays(3).toMinutes();

    private final double slo;
    private final List<Rule> rules;
    private final InstantSource clock;
    private final long[] good = new long[MINUTES];
    private final long[] total = new long[MINUTES];
    private long lastMinute = Long.MIN_VALUE;

    BurnRateAlerts(double slo, List<Rule> rules, InstantSource clock) {
        if (!(slo > 0 && slo < 1)) {
            throw new IllegalArgumentException("an SLO is a ratio between 0 and 1, e.g. 0.999, not " + slo);
        }
        this.slo = slo;
        this.rules = List.copyOf(rules);
        this.clock = clock;
    }

    // @start region=budget
    /** How many of {@code validEvents} may fail in the SLO window: 99.9% of 1,000,000 leaves 1,000. */
    long errorBudget(long validEvents) {
        return Math.round((1 - slo) * validEvents);
    }

    /** Burn rate = observed error ratio / allowed error ratio. 1 spends the budget exactly over the SLO window. */
    double burnRate(Duration window) {
        long now = minuteNow();
        long g = 0;
        long t = 0;
        for (long m = now - window.toMinutes() + 1; m <= now; m++) {
            int i = slot(m);
            g += good[i];
            t += total[i];
        }
        return t == 0 ? 0 : ((double) (t - g) / t) / (1 - slo);
    }

    /** The most severe rule firing now: both windows must burn faster than the rule's rate. */
    Optional<Rule> firing() {
        return rules.stream()
                .filter(r -> burnRate(r.longWindow()) > r.burnRate() && burnRate(r.shortWindow()) > r.burnRate())
                .findFirst();
    }
    // @end region=budget

    /** Counts the current minute's events (an SLI: good events out of valid events). */
    void record(long goodEvents, long badEvents) {
        long now = minuteNow();
        int i = slot(now);
        good[i] += goodEvents;
        total[i] += goodEvents + badEvents;
    }

    /** Advances to the clock's minute, clearing the buckets of minutes that passed without events. */
    private long minuteNow() {
        long now = Math.floorDiv(clock.millis(), 60_000L);
        if (lastMinute == Long.MIN_VALUE || now - lastMinute >= MINUTES) {
            java.util.Arrays.fill(good, 0);
            java.util.Arrays.fill(total, 0);
        } else {
            for (long m = lastMinute + 1; m <= now; m++) {
                good[slot(m)] = 0;
                total[slot(m)] = 0;
            }
        }
        lastMinute = Math.max(lastMinute, now);
        return now;
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute, (long) MINUTES);
    }
}
