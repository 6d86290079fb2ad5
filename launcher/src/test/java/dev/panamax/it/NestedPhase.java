package dev.panamax.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nested phase's plan: run the selected tests in a nested host; after a run that ended
 * abnormally (stuck, locked up, crashed), go on with the tests it had not finished in a fresh
 * one, up to {@link #MAX_HOST_RUNS} hosts; then give each failed test one more run in a fresh
 * nested host. Everything within one deadline.
 *
 * @param planned  unique id to display name of every test the first run planned
 * @param outcomes unique id to the outcome of each of its tries, in order
 * @param endings  how each nested host run ended, in words
 */
record NestedPhase(Map<String, String> planned, Map<String, List<NestedRun.Outcome>> outcomes, List<String> endings) {
    /**
     * Nested host runs for the first pass: the first, plus one for each of four hangs or crashes
     * (two of the first four fresh-clone runs had one hang each; the deadline bounds them all).
     */
    static final int MAX_HOST_RUNS = 5;
    /** Failed tests get one more try each in a fresh nested host, when there are at most this many. */
    static final int MAX_RETRIED = 4;

    static NestedPhase run(NestedHostCommand host, List<String> select, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        NestedPhase phase = new NestedPhase(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        for (int n = 1; n <= MAX_HOST_RUNS && Instant.now().isBefore(deadline); n++) {
            NestedRun run = NestedRun.start(host, "run" + n, select, deadline);
            if (phase.planned.isEmpty()) {
                phase.planned.putAll(run.planned());
            }
            phase.record(run);
            List<String> unfinished = phase.unfinished();
            if (!run.endedAbnormally() || (!phase.planned.isEmpty() && unfinished.isEmpty())) {
                break;
            }
            if (!phase.planned.isEmpty()) { // else nothing was planned yet: the same selection again
                System.out.println(host.logPrefix() + unfinished.size() + " tests not finished; going on in a fresh nested host");
                select = NestedRun.byIds(unfinished);
            }
        }
        List<String> failed = phase.outcomes.entrySet().stream().filter(e -> !e.getValue().getLast().passed())
                .map(Map.Entry::getKey).toList();
        if (!failed.isEmpty() && failed.size() <= MAX_RETRIED && Instant.now().isBefore(deadline)) {
            phase.record(NestedRun.start(host, "retry", NestedRun.byIds(failed), deadline));
        }
        return phase;
    }

    private void record(NestedRun run) {
        run.finished().forEach((id, outcome) -> outcomes.computeIfAbsent(id, k -> new ArrayList<>()).add(outcome));
        endings.add(run.label() + ": " + run.ending());
    }

    /** Planned tests without an outcome yet. */
    List<String> unfinished() {
        return planned.keySet().stream().filter(id -> !outcomes.containsKey(id)).toList();
    }

    /** The test failed once and passed when run again. */
    boolean flaky(String id) {
        List<NestedRun.Outcome> tries = outcomes.getOrDefault(id, List.of());
        return tries.size() > 1 && tries.getLast().passed();
    }

    /** The test's last try passed. */
    boolean passed(String id) {
        List<NestedRun.Outcome> tries = outcomes.getOrDefault(id, List.of());
        return !tries.isEmpty() && tries.getLast().passed();
    }
}
