package dev.vessel.engine.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The engine's Prometheus registry, served at {@code GET /metrics} in the text format: the
 * API's own requests (by method, route pattern and status) and whatever collectors the engine
 * adds (its workloads).
 */
public final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("vessel_api_requests_total")
            .help("API requests answered, by method, route and status").labelNames("method", "route", "code")
            .register(registry);
    private final Histogram durations = Histogram.builder().name("vessel_api_request_duration_seconds").unit(Unit.SECONDS)
            .help("Time to answer an API request (a stream: until its headers)").labelNames("method", "route")
            .classicOnly().register(registry);

    public void addCollector(MultiCollector collector) {
        registry.register(collector);
    }

    /** Counts one answered request; {@code route} is its pattern, not its path, so ids do not explode the series. */
    void observe(String method, String route, int status, long nanos) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        durations.labelValues(method, route).observe(nanos / 1e9);
    }

    /** Adds {@code GET /metrics} to {@code router}. */
    public Router route(Router router) {
        return router.route("GET", "/metrics", r -> Response.stream(PrometheusTextFormatWriter.CONTENT_TYPE,
                out -> PrometheusTextFormatWriter.create().write(out, registry.scrape())));
    }
}
