package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.notes.sre.BurnRateAlerts.Rule;
import dev.opsworkbook.notes.sre.BurnRateAlerts.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Q36: error budgets and multi-window, multi-burn-rate alerts (fake clock, one bucket a minute)")
class BurnRateAlertsTest {

    static final int PER_MINUTE = 1_000;

    /** Drives the calculator minute by minute at 1,000 requests a minute. */
    static final class Simulation {
        long minute;
        final BurnRateAlerts alerts;

        Simulation(List<Rule> rules) {
            alerts = new BurnRateAlerts(0.999, rules, () -> Instant.ofEpochSecond(minute * 60));
        }

        /** Runs {@code minutes} minutes with {@code errorsPerMinute} failures; returns the alert after each. */
        List<Optional<Rule>> run(int minutes, int errorsPerMinute) {
            return java.util.stream.IntStream.range(0, minutes).mapToObj(i -> {
                minute++;
                alerts.record(PER_MINUTE - errorsPerMinute, errorsPerMinute);
                return alerts.firing();
            }).toList();
        }
    }

    static boolean pages(Optional<Rule> rule) {
        return rule.isPresent() && rule.get().severity() == Severity.PAGE;
    }

    /** The first minute (1-based) at which a page fires, or -1. */
    static int firstPage(List<Optional<Rule>> minutes) {
        for (int i = 0; i < minutes.size(); i++) {
            if (pages(minutes.get(i))) {
                return i + 1;
            }
        }
        return -1;
    }

    static int firstFiring(List<Optional<Rule>> minutes) {
        for (int i = 0; i < minutes.size(); i++) {
            if (minutes.get(i).isPresent()) {
                return i + 1;
            }
        }
        return -1;
    }

    static long minutesPaging(List<Optional<Rule>> minutes) {
        return minutes.stream().filter(BurnRateAlertsTest::pages).count();
    }

    @Test
    @DisplayName("a 99.9% SLO over 1,000,000 requests leaves an error budget of 1,000")
    void errorBudget() {
        BurnRateAlerts alerts = new BurnRateAlerts(0.999, BurnRateAlerts.WORKBOOK_RULES, () -> Instant.EPOCH);
        assertThat(alerts.errorBudget(1_000_000)).isEqualTo(1_000);
        assertThatThrownBy(() -> new BurnRateAlerts(99.9, List.of(), () -> Instant.EPOCH))
                .hasMessageContaining("0.999");
    }

    @Test
    @DisplayName("1% errors against a 99.9% SLO is a burn rate of 10: a 30-day budget gone in 3 days")
    void burnRate() {
        Simulation sim = new Simulation(BurnRateAlerts.WORKBOOK_RULES);
        sim.run(60, 10);
        assertThat(sim.alerts.burnRate(Duration.ofHours(1))).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(30.0 / sim.alerts.burnRate(Duration.ofHours(1))).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @DisplayName("a total outage pages in the first minute")
    void totalOutagePagesAtOnce() {
        Simulation sim = new Simulation(BurnRateAlerts.WORKBOOK_RULES);
        sim.run(6 * 60, 0);                                 // six clean hours: every page window is full
        List<Optional<Rule>> outage = sim.run(5, PER_MINUTE);
        assertThat(firstPage(outage)).isEqualTo(1);
        assertThat(outage.get(0)).map(Rule::severity).contains(Severity.PAGE);
    }

    @Test
    @DisplayName("2% errors (burn rate 20) page after 44 minutes, and stop paging at the second minute without errors")
    void twoPercentPagesAfter44Minutes() {
        Simulation sim = new Simulation(BurnRateAlerts.WORKBOOK_RULES);
        sim.run(6 * 60, 0);                                 // six clean hours: every page window is full
        List<Optional<Rule>> incident = sim.run(60, 20);
        assertThat(firstPage(incident)).isEqualTo(44);
        assertThat(incident.get(43)).map(Rule::longWindow).contains(Duration.ofHours(1));
        List<Optional<Rule>> recovery = sim.run(30, 0);
        assertThat(minutesPaging(recovery)).as("minutes still paging after the errors stopped").isEqualTo(1);
        assertThat(firstPage(recovery.subList(1, 30))).isEqualTo(-1);
    }

    @Test
    @DisplayName("without the 5-minute short window, the same incident keeps paging for 16 minutes after recovery")
    void longWindowAloneResetsSlowly() {
        Rule oneHourOnly = new Rule(Duration.ofHours(1), Duration.ofHours(1), 14.4, Severity.PAGE);
        Simulation sim = new Simulation(List.of(oneHourOnly));
        sim.run(6 * 60, 0);                                 // six clean hours: every page window is full
        sim.run(60, 20);
        assertThat(minutesPaging(sim.run(30, 0))).isEqualTo(16);
    }

    @Test
    @DisplayName("0.2% errors (burn rate 2) never page, and open a ticket after 36 hours and 1 minute")
    void slowBurnTickets() {
        Simulation sim = new Simulation(BurnRateAlerts.WORKBOOK_RULES);
        sim.run(3 * 24 * 60, 0);
        List<Optional<Rule>> threeDays = sim.run(3 * 24 * 60, 2);
        assertThat(threeDays).noneMatch(BurnRateAlertsTest::pages);
        int ticket = firstFiring(threeDays);
        assertThat(ticket).isEqualTo(36 * 60 + 1);
        assertThat(threeDays.get(ticket - 1)).map(Rule::severity).contains(Severity.TICKET);
    }
}
