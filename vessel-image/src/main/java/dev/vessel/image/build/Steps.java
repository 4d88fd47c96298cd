package dev.vessel.image.build;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The instructions that only change the image config, and the canonical text of every instruction. */
final class Steps {
    private Steps() {
    }

    /** How an instruction is shown in the build log and keyed in the cache. */
    static String describe(Instruction ins) {
        return switch (ins) {
            case Instruction.From f -> "FROM " + f.image() + (f.stageName() == null ? "" : " AS " + f.stageName());
            case Instruction.Run r -> "RUN " + form(r.command());
            case Instruction.Cmd c -> "CMD " + form(c.command());
            case Instruction.Entrypoint e -> "ENTRYPOINT " + form(e.command());
            case Instruction.Copy c -> (c.add() ? "ADD " : "COPY ") + (c.from() == null ? "" : "--from=" + c.from() + " ")
                    + (c.chown() == null ? "" : "--chown=" + c.chown() + " ") + (c.chmod() == null ? "" : "--chmod=" + c.chmod() + " ")
                    + String.join(" ", c.sources()) + " " + c.destination();
            case Instruction.Env e -> "ENV " + pairs(e.vars());
            case Instruction.Arg a -> "ARG " + a.name() + (a.defaultValue() == null ? "" : "=" + a.defaultValue());
            case Instruction.Workdir w -> "WORKDIR " + w.path();
            case Instruction.User u -> "USER " + u.user();
            case Instruction.Expose e -> "EXPOSE " + String.join(" ", e.ports());
            case Instruction.Label l -> "LABEL " + pairs(l.labels());
            case Instruction.Volume v -> "VOLUME " + v.paths();
            case Instruction.StopSignal s -> "STOPSIGNAL " + s.signal();
            case Instruction.Shell s -> "SHELL " + s.shell();
            case Instruction.Healthcheck h -> "HEALTHCHECK " + h.text();
            case Instruction.OnBuild o -> "ONBUILD " + o.trigger();
        };
    }

    private static String form(Instruction.Command c) {
        return c.shellForm() ? c.args().getFirst() : c.args().toString();
    }

    private static String pairs(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    static String absolute(String path, String workdir) {
        if (path.startsWith("/")) {
            return path;
        }
        String base = workdir == null || workdir.isEmpty() ? "/" : workdir;
        String joined = Path.of(base).resolve(path).normalize().toString();
        return path.endsWith("/") && !joined.endsWith("/") ? joined + "/" : joined;
    }

    /** Applies a config-only instruction; false for COPY, ADD and RUN, which make layers. */
    static boolean applyConfig(Instruction ins, StageState st, Map<String, String> buildArgs, Map<String, String> globals) {
        Map<String, String> vars = st.vars();
        switch (ins) {
            case Instruction.Env e -> {
                Map<String, String> expanded = new LinkedHashMap<>();
                e.vars().forEach((k, v) -> expanded.put(k, Variables.expand(v, vars, '\\')));
                st.env.putAll(expanded);
                st.addEmpty("ENV " + pairs(expanded));
            }
            case Instruction.Arg a -> {
                String v = buildArgs.containsKey(a.name()) ? buildArgs.get(a.name())
                        : a.defaultValue() != null ? Variables.expand(a.defaultValue(), vars, '\\') : globals.get(a.name());
                if (v != null) {
                    st.args.put(a.name(), v);
                }
            }
            case Instruction.Workdir w -> {
                st.workdir = absolute(Variables.expand(w.path(), vars, '\\'), st.workdir);
                st.addEmpty("WORKDIR " + st.workdir);
            }
            case Instruction.User u -> {
                st.user = Variables.expand(u.user(), vars, '\\');
                st.addEmpty("USER " + st.user);
            }
            case Instruction.Expose e -> {
                for (String p : e.ports()) {
                    expose(st, Variables.expand(p, vars, '\\').toLowerCase(java.util.Locale.ROOT));
                }
                st.addEmpty(describe(ins));
            }
            case Instruction.Label l -> {
                l.labels().forEach((k, v) -> st.labels.put(Variables.expand(k, vars, '\\'), Variables.expand(v, vars, '\\')));
                st.addEmpty(describe(ins));
            }
            case Instruction.Volume v -> {
                v.paths().forEach(p -> st.volumes.put(Variables.expand(p, vars, '\\'), Map.of()));
                st.addEmpty(describe(ins));
            }
            case Instruction.StopSignal s -> {
                st.stopSignal = Variables.expand(s.signal(), vars, '\\');
                st.addEmpty(describe(ins));
            }
            case Instruction.Shell s -> {
                st.shell = s.shell();
                st.shellInConfig = true;
            }
            case Instruction.Healthcheck h -> {
                st.healthcheck = h.check();
                st.addEmpty(describe(ins));
            }
            case Instruction.OnBuild o -> {
                st.onBuild.add(o.trigger());
                st.addEmpty(describe(ins));
            }
            case Instruction.Cmd c -> {
                st.cmd = c.command().shellForm() ? concat(st.shell, c.command().args().getFirst()) : c.command().args();
                st.addEmpty(describe(ins));
            }
            case Instruction.Entrypoint e -> {
                st.entrypoint = e.command().shellForm() ? concat(st.shell, e.command().args().getFirst()) : e.command().args();
                st.cmd = null; // Docker: a new ENTRYPOINT drops the CMD inherited from the base image
                st.addEmpty(describe(ins));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void expose(StageState st, String spec) {
        String proto = spec.contains("/") ? spec.substring(spec.indexOf('/') + 1) : "tcp";
        String ports = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
        if (!ports.matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
            throw new IllegalArgumentException("EXPOSE " + spec + ": a port is NUMBER[/tcp|udp|sctp]");
        }
        String[] range = ports.split("-");
        int lo = Integer.parseInt(range[0]);
        int hi = range.length == 2 ? Integer.parseInt(range[1]) : lo;
        if (lo < 1 || hi > 65535 || hi < lo || hi - lo > 1000) {
            throw new IllegalArgumentException("EXPOSE " + spec + ": ports must be 1-65535 and a range at most 1000 wide");
        }
        for (int p = lo; p <= hi; p++) {
            st.exposed.put(p + "/" + proto, Map.of());
        }
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.add(b);
        return out;
    }
}
