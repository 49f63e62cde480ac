package dev.pgbridge.cli.command;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Catches POSIX signals (SIGINT, SIGTERM, SIGHUP) without the JVM's default of exiting, through the JDK's
 * {@code sun.misc.Signal} — the one way the JDK offers — reached by reflection so that the build stays free of
 * warnings (javac warns about every direct use of {@code sun.misc} and offers no way to silence it).
 */
final class Signals implements AutoCloseable {
    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    private static final Method HANDLE;
    private static final Method NAME;

    static {
        try {
            SIGNAL = Class.forName("sun.misc.Signal");
            HANDLER = Class.forName("sun.misc.SignalHandler");
            HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
            NAME = SIGNAL.getMethod("getName");
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The handlers in place before {@link #trap}, by signal name, put back by {@link #close()}. */
    private final Map<String, Object> previous;

    private Signals(Map<String, Object> previous) {
        this.previous = previous;
    }

    /**
     * Calls {@code onSignal} with the signal's name ({@code INT}, {@code TERM}, …) whenever one of {@code names}
     * arrives, until {@link #close()}. A signal this platform or the JVM does not let us handle is left alone.
     */
    static Signals trap(List<String> names, Consumer<String> onSignal) {
        Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {HANDLER},
                (proxy, method, args) -> {
                    if (method.getName().equals("handle") && args != null && args.length == 1) {
                        onSignal.accept((String) NAME.invoke(args[0]));
                        return null;
                    }
                    return switch (method.getName()) {
                        case "toString" -> "pgbridge signal handler";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
        Map<String, Object> previous = new LinkedHashMap<>();
        for (String name : names) {
            try {
                previous.put(name, handle(name, handler));
            }
            catch (IllegalArgumentException e) {
                // this signal cannot be handled on this platform or is reserved by the JVM: leave it alone
            }
        }
        return new Signals(previous);
    }

    private static Object handle(String name, Object handler) {
        try {
            return HANDLE.invoke(null, SIGNAL.getConstructor(String.class).newInstance(name), handler);
        }
        catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot handle SIG" + name, e.getCause());
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + name, e);
        }
    }

    /** Puts the earlier handlers back. */
    @Override
    public void close() {
        previous.forEach(Signals::handle);
    }
}
