package dev.baton.http.page;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.baton.scheduling.records.ControlKeys;

/**
 * Which of a Lease's annotations the status page shows: the controls an operator sets, exactly
 * {@code baton.dev/suspend}, {@code baton.dev/suspend.<job>} and {@code baton.dev/run.<job>} (the keys are
 * {@link ControlKeys}'s, the one place that names them). Nothing else: not what Baton writes beside them (records,
 * history, run statuses, which {@code GET /jobs} shows per job as {@code lastRun}, {@code history} and
 * {@code lastRequest}), and no one else's annotations, which are none of the page's business.
 */
final class ShownControls {

    private static final String SUSPEND = ControlKeys.prefix(ControlKeys.SUSPEND);
    private static final String RUN = ControlKeys.prefix(ControlKeys.RUN);

    private ShownControls() {
    }

    /** True for an operator's control, whatever its value and whether or not a job of this application has it. */
    static boolean isShown(String key) {
        return key != null && (key.equals(ControlKeys.SUSPEND_ALL) || key.startsWith(SUSPEND) || key.startsWith(RUN));
    }

    /** The controls among {@code annotations}, by key. */
    static SortedMap<String, String> of(Map<String, String> annotations) {
        SortedMap<String, String> shown = new TreeMap<>();
        annotations.forEach((k, v) -> {
            if (isShown(k)) {
                shown.put(k, v);
            }
        });
        return shown;
    }
}
