package dev.baton.scheduling.runtime;

import static io.smallrye.common.expression.Expression.Flag.LENIENT_SYNTAX;
import static io.smallrye.common.expression.Expression.Flag.NO_TRIM;

import java.util.NoSuchElementException;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.common.expression.Expression;

/**
 * Reads a {@code @Scheduled} attribute the way Quarkus's scheduler does: {@code off} or {@code disabled} switches a
 * schedule off, and {@code ${key}}, {@code ${key:default}} or a whole {@code {key}} take the value from the
 * configuration (MicroProfile Config). The scheduler keeps these rules in a class of its internals
 * ({@code io.quarkus.scheduler.common.runtime.util.SchedulerUtils}), which an upgrade may move or change; this is the
 * small piece Baton needs, on public API only (MicroProfile Config, SmallRye's expression parser, which the
 * scheduler uses too). Quarkus 3.33's rules, kept to the letter so a job's schedule means the same to both.
 */
final class ScheduleValues {

    private ScheduleValues() {
    }

    /** True for {@code off} or {@code disabled}, in any case: the scheduler never fires such a schedule. */
    static boolean isOff(String value) {
        return value != null && (value.equalsIgnoreCase("off") || value.equalsIgnoreCase("disabled"));
    }

    /** True when {@code value} is read from the configuration: a whole {@code {key}}, or one with a {@code ${...}}. */
    static boolean isConfigValue(String value) {
        return value != null && (isWholeKey(value) || isExpression(value));
    }

    private static boolean isWholeKey(String value) {
        String trimmed = value.trim();
        return trimmed.startsWith("{") && trimmed.endsWith("}");
    }

    private static boolean isExpression(String value) {
        int start = value.indexOf("${");
        return start >= 0 && value.indexOf('}', start + 2) > 0;
    }

    /**
     * {@code value} with leading blanks dropped and its configuration references replaced by their values (a
     * default when the key has none).
     *
     * @throws NoSuchElementException for a key that has neither a value nor a default
     */
    static String lookUp(String value) {
        String stripped = value.stripLeading();
        if (stripped.isEmpty() || !isConfigValue(stripped)) {
            return stripped;
        }
        String expression = isWholeKey(stripped) ? "$" + stripped : stripped;
        Config config = ConfigProvider.getConfig();
        return Expression.compile(expression, LENIENT_SYNTAX, NO_TRIM).evaluate((context, out) -> {
            Optional<String> found = config.getOptionalValue(context.getKey(), String.class);
            if (found.isPresent()) {
                out.append(found.get());
            } else if (context.hasDefault()) {
                context.expandDefault();
            } else {
                throw new NoSuchElementException(String.format("Could not expand value %s in property %s",
                        context.getKey(), expression));
            }
        });
    }
}
