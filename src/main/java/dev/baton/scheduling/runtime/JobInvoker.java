package dev.baton.scheduling.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.PendingFire;

/**
 * Calls a singleton job's method for a slot Baton fires itself (a catch-up, a run request), through the bean's CDI
 * proxy so that the interceptor, and with it the whole run chain, runs as for the scheduler's fires.
 */
final class JobInvoker {

    private final BeanManager beans;

    JobInvoker(BeanManager beans) {
        this.beans = beans;
    }

    Object invoke(Bean<?> bean, Method method, JobSpec spec, Instant slot) {
        CreationalContext<?> context = beans.createCreationalContext(bean);
        Object instance = beans.getReference(bean, bean.getBeanClass(), context);
        try {
            // Called on the proxy, so the interceptor runs; virtual dispatch reaches the override even when the
            // method is package-private.
            method.setAccessible(true);
            RunTrigger trigger = PendingFire.of(spec.id()).map(PendingFire::trigger).orElse(RunTrigger.CATCH_UP);
            Object[] args = method.getParameterCount() == 1
                    ? new Object[] { new CatchUpExecution(method, slot, trigger) }
                    : new Object[0];
            return method.invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot call " + JobDiscovery.describe(method) + " to catch up", e);
        } finally {
            context.release(); // a @Dependent job bean made for this call is destroyed with it
        }
    }
}
