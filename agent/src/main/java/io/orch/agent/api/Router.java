package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Routes on method + path template. Templates are literal segments and {@code {name}}
 * placeholders; {@code {name*}} matches one or more segments (image names such as
 * {@code docker.io/library/busybox:latest} contain slashes). The template is also the metric
 * tag, so raw paths (with ids) never become tag values.
 */
public final class Router {
    /** A route: method, template and handler. */
    public record Route(HttpMethod method, String template, List<String> segments, RouteHandler handler) {}

    /** A matched route and the values of its placeholders. */
    public record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    public Router add(HttpMethod method, String template, RouteHandler handler) {
        routes.add(new Route(method, template, split(template), handler));
        return this;
    }

    /** Appends {@code other}'s routes after this router's own (the first match wins). */
    public Router addAll(Router other) {
        routes.addAll(other.routes);
        return this;
    }

    public Router get(String template, RouteHandler handler) {
        return add(HttpMethod.GET, template, handler);
    }

    public Router post(String template, RouteHandler handler) {
        return add(HttpMethod.POST, template, handler);
    }

    public Router delete(String template, RouteHandler handler) {
        return add(HttpMethod.DELETE, template, handler);
    }

    /** This router with the handlers of the routes {@code which} selects wrapped by {@code wrap}. */
    public Router wrapping(Predicate<Route> which, UnaryOperator<RouteHandler> wrap) {
        Router out = new Router();
        for (Route r : routes) {
            out.routes.add(which.test(r) ? new Route(r.method(), r.template(), r.segments(), wrap.apply(r.handler())) : r);
        }
        return out;
    }

    /** The first route that matches, or null. */
    public Match match(HttpMethod method, String path) {
        List<String> segments = split(path);
        for (Route route : routes) {
            if (!route.method().equals(method)) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            if (matches(route.segments(), 0, segments, 0, params)) {
                return new Match(route, params);
            }
        }
        return null;
    }

    private static boolean matches(List<String> template, int t, List<String> path, int p, Map<String, String> params) {
        if (t == template.size()) {
            return p == path.size();
        }
        if (p == path.size()) {
            return false;
        }
        String segment = template.get(t);
        if (segment.startsWith("{") && segment.endsWith("*}")) {
            String name = segment.substring(1, segment.length() - 2);
            // greedy placeholder: try the longest run that still lets the rest of the template match
            for (int end = path.size(); end > p; end--) {
                if (matches(template, t + 1, path, end, params)) {
                    params.put(name, String.join("/", path.subList(p, end)));
                    return true;
                }
            }
            return false;
        }
        if (segment.startsWith("{") && segment.endsWith("}")) {
            params.put(segment.substring(1, segment.length() - 1), path.get(p));
            return matches(template, t + 1, path, p + 1, params);
        }
        return segment.equals(path.get(p)) && matches(template, t + 1, path, p + 1, params);
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
