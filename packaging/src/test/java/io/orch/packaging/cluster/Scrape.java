package io.orch.packaging.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus text scrape, parsed into samples: name, labels, value. */
record Scrape(List<Sample> samples, String text) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    static Scrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new Scrape(out, text);
    }

    /** GET {@code url}; the status and the body, or an AssertionError that says why not. */
    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + url + ": " + e, e);
        }
    }

    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name));
        return names;
    }

    /** Whether {@code metric} (a documented name) has a sample: itself, or a timer's or histogram's parts. */
    boolean has(String metric) {
        Set<String> names = names();
        return names.contains(metric) || names.contains(metric + "_count") || names.contains(metric + "_bucket");
    }

    /** The sum of {@code name}'s samples whose labels include {@code labels} (0 when none). */
    double sum(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    double sum(String name) {
        return sum(name, Map.of());
    }

    List<Sample> of(String name) {
        return samples.stream().filter(s -> s.name.equals(name)).toList();
    }
}
