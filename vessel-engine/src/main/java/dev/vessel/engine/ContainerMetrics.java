package dev.vessel.engine;

import dev.vessel.engine.store.ContainerRecord;
import dev.vessel.runtime.cgroups.CgroupStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-container series, computed at each scrape from the store and the containers' cgroups:
 * the same numbers {@code vessel stats} shows, as Prometheus (and cAdvisor's names) has them.
 */
final class ContainerMetrics implements MultiCollector {

    private final ContainerService containers;

    ContainerMetrics(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("vessel_container_running")
                .help("1 while the container runs, else 0");
        CounterSnapshot.Builder restarts = CounterSnapshot.builder().name("vessel_container_restarts")
                .help("Restarts by the container's restart policy");
        GaugeSnapshot.Builder memory = GaugeSnapshot.builder().name("vessel_container_memory_usage_bytes")
                .help("Memory the container's cgroup uses now");
        CounterSnapshot.Builder cpu = CounterSnapshot.builder().name("vessel_container_cpu_usage_seconds")
                .help("CPU time the container's cgroup has used");
        GaugeSnapshot.Builder pids = GaugeSnapshot.builder().name("vessel_container_pids")
                .help("Processes in the container's cgroup");
        Map<String, Integer> byState = new TreeMap<>();
        for (String s : ContainerRecord.STATES) {
            byState.put(s, 0);
        }
        for (ContainerRecord c : containers.list()) {
            byState.merge(c.state(), 1, Integer::sum);
            Labels labels = Labels.of("id", c.id(), "name", c.name(), "image", c.image());
            boolean running = c.state().equals("running");
            up.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(running ? 1 : 0).build());
            restarts.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(c.restartCount()).build());
            if (!running) {
                continue;
            }
            CgroupStats s;
            try {
                s = containers.runtime.stats(c.id());
            } catch (RuntimeException e) {
                continue; // exited between the list and now
            }
            if (s.memory() != null) {
                memory.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(s.memory().usage().usage()).build());
            }
            if (s.cpu() != null) {
                cpu.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(s.cpu().usage().total() / 1e9).build());
            }
            if (s.pids() != null) {
                pids.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(s.pids().current()).build());
            }
        }
        GaugeSnapshot.Builder states = GaugeSnapshot.builder().name("vessel_containers").help("Containers by state");
        byState.forEach((state, n) -> states.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", state)).value(n).build()));
        return new MetricSnapshots(states.build(), up.build(), restarts.build(), memory.build(), cpu.build(), pids.build());
    }
}
