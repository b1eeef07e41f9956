package dev.baton.scheduling.run;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one logger category logs at WARNING (JBoss Logging's WARN) or above, for tests that check a thing is
 * logged once. Surefire runs the tests with the JBoss LogManager, which honours handlers added through JUL.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    final List<String> warnings = new CopyOnWriteArrayList<>();

    LogCapture(Class<?> category) {
        this.logger = Logger.getLogger(category.getName());
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            String message = record.getMessage();
            Object[] params = record.getParameters();
            warnings.add(params == null || params.length == 0 ? message : String.format(message, params));
        }
    }

    /** How many warnings mention {@code text}. */
    long count(String text) {
        return warnings.stream().filter(w -> w.contains(text)).count();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
