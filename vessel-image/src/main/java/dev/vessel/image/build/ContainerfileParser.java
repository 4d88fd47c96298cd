package dev.vessel.image.build;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vessel.image.oci.OciJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Containerfile (Dockerfile syntax): parser directives ({@code # escape=`}), comments,
 * line continuations, and the instructions the builder supports. Every error names the file
 * and the line the instruction starts on.
 */
public final class ContainerfileParser {
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}(-[0-9]{1,5})?(/(tcp|udp|sctp))?");

    private final String file;
    private char escape = '\\';

    private ContainerfileParser(String file) {
        this.file = file;
    }

    /** @param buildArgs {@code --build-arg} values; they override ARG defaults (here: in FROM lines). */
    public static Containerfile parse(String file, String text, Map<String, String> buildArgs) {
        return new ContainerfileParser(file).run(text, buildArgs);
    }

    private record Logical(int line, String text, List<Instruction.Heredoc> heredocs) {
        Logical(int line, String text) {
            this(line, text, List.of());
        }
    }

    private Containerfile run(String text, Map<String, String> buildArgs) {
        List<Logical> logical = logicalLines(text.replace("\r\n", "\n").split("\n", -1));
        List<Instruction.Arg> globals = new ArrayList<>();
        List<Containerfile.Stage> stages = new ArrayList<>();
        Set<String> stageNames = new HashSet<>();
        Map<String, String> globalValues = new HashMap<>();
        Instruction.From from = null;
        List<Instruction> body = null;
        for (Logical l : logical) {
            Instruction ins;
            try {
                ins = instruction(l, from == null ? globalValues : Map.of());
            } catch (IllegalArgumentException e) {
                throw new BuildException(file, l.line, e.getMessage());
            }
            if (ins instanceof Instruction.From f) {
                if (from != null) {
                    stages.add(new Containerfile.Stage(stages.size(), from, List.copyOf(body)));
                }
                if (f.stageName() != null && !stageNames.add(f.stageName())) {
                    throw new BuildException(file, l.line, "stage name \"" + f.stageName() + "\" is used twice");
                }
                from = f;
                body = new ArrayList<>();
            } else if (from == null) {
                if (!(ins instanceof Instruction.Arg a)) {
                    throw new BuildException(file, l.line, keyword(l.text) + " comes before the first FROM; only ARG may");
                }
                globals.add(a);
                String v = buildArgs.containsKey(a.name()) ? buildArgs.get(a.name()) : a.defaultValue();
                if (v != null) {
                    globalValues.put(a.name(), v);
                }
            } else {
                body.add(ins);
            }
        }
        if (from == null) {
            throw new BuildException(file, Math.max(1, logical.isEmpty() ? 1 : logical.getLast().line),
                    "no FROM instruction: a Containerfile starts with FROM IMAGE (or FROM scratch)");
        }
        stages.add(new Containerfile.Stage(stages.size(), from, List.copyOf(body)));
        return new Containerfile(file, List.copyOf(globals), List.copyOf(stages));
    }

    /** Joins continued lines and drops comments; each result keeps the number of its first line. */
    private List<Logical> logicalLines(String[] lines) {
        List<Logical> out = new ArrayList<>();
        int i = 0;
        // Parser directives are only recognised before anything else, comments included.
        for (; i < lines.length; i++) {
            Matcher m = DIRECTIVE.matcher(lines[i].strip());
            if (!m.matches()) {
                break;
            }
            if (m.group(1).equalsIgnoreCase("escape")) {
                String v = m.group(2);
                if (!v.equals("\\") && !v.equals("`")) {
                    throw new BuildException(file, i + 1, "escape directive must be \\ or `, not \"" + v + "\"");
                }
                escape = v.charAt(0);
            }
        }
        StringBuilder cur = null;
        int start = 0;
        for (; i < lines.length; i++) {
            String s = lines[i];
            String trimmed = s.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && cur == null)) {
                continue; // comments may sit inside a continued instruction; they are dropped
            }
            if (cur == null) {
                cur = new StringBuilder();
                start = i + 1;
            }
            String stripped = s.stripTrailing();
            if (!stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape) {
                cur.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            cur.append(s);
            String text = cur.toString().strip();
            List<Instruction.Heredoc> docs = List.of();
            if (Set.of("RUN", "COPY", "ADD").contains(keyword(text)) && !Heredocs.markers(text).isEmpty()) {
                int[] next = new int[1];
                docs = Heredocs.read(text, lines, i + 1, next, file, start);
                i = next[0] - 1;
            }
            out.add(new Logical(start, text, docs));
            cur = null;
        }
        if (cur != null && !cur.toString().isBlank()) {
            out.add(new Logical(start, cur.toString().strip()));
        }
        return out;
    }

    private static String keyword(String text) {
        int sp = indexOfSpace(text);
        return (sp < 0 ? text : text.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private Instruction instruction(Logical l, Map<String, String> globalArgs) {
        String kw = keyword(l.text);
        int sp = indexOfSpace(l.text);
        String rest = sp < 0 ? "" : l.text.substring(sp).strip();
        int n = l.line;
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(kw + " needs arguments");
        }
        return switch (kw) {
            case "FROM" -> from(n, rest, globalArgs);
            case "RUN" -> {
                Map<String, String> flags = new LinkedHashMap<>();
                String cmd = flags(rest, flags, Set.of("network"), kw);
                String net = flags.getOrDefault("network", "none");
                if (!Set.of("none", "host", "default").contains(net)) {
                    throw new IllegalArgumentException("RUN --network=" + net + " is not supported (use none, default or host)");
                }
                Instruction.Command c = l.heredocs.isEmpty() ? command(cmd) : Heredocs.run(cmd, l.heredocs);
                yield new Instruction.Run(n, c, net.equals("default") ? "none" : net);
            }
            case "CMD" -> new Instruction.Cmd(n, command(rest));
            case "ENTRYPOINT" -> new Instruction.Entrypoint(n, command(rest));
            case "COPY", "ADD" -> copy(n, kw, rest, l.heredocs);
            case "ENV" -> {
                int eq = rest.indexOf('=');
                int ws = indexOfSpace(rest);
                if (eq < 0 || (ws >= 0 && ws < eq)) { // legacy "ENV NAME value with spaces"
                    if (ws < 0) {
                        throw new IllegalArgumentException("ENV " + rest + " needs a value: ENV NAME=VALUE");
                    }
                    yield new Instruction.Env(n, Map.of(rest.substring(0, ws), rest.substring(ws).strip()));
                }
                yield new Instruction.Env(n, Words.pairs(rest, escape, "ENV"));
            }
            case "ARG" -> {
                List<String> w = Words.split(rest, escape);
                if (w.size() != 1) {
                    throw new IllegalArgumentException("ARG takes one NAME or NAME=DEFAULT per line");
                }
                int eq = w.getFirst().indexOf('=');
                String name = eq < 0 ? w.getFirst() : w.getFirst().substring(0, eq);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("ARG name \"" + name + "\" is invalid");
                }
                yield new Instruction.Arg(n, name, eq < 0 ? null : w.getFirst().substring(eq + 1));
            }
            case "WORKDIR" -> new Instruction.Workdir(n, rest);
            case "USER" -> {
                List<String> w = Words.split(rest, escape);
                if (w.size() != 1) {
                    throw new IllegalArgumentException("USER takes one argument: USER name[:group] or uid[:gid]");
                }
                yield new Instruction.User(n, w.getFirst());
            }
            case "EXPOSE" -> {
                List<String> ports = Words.split(rest, escape);
                for (String p : ports) {
                    if (!p.contains("$") && !PORT.matcher(p.toLowerCase(Locale.ROOT)).matches()) {
                        throw new IllegalArgumentException("EXPOSE " + p + ": a port is NUMBER[/tcp|udp|sctp]");
                    }
                }
                yield new Instruction.Expose(n, ports);
            }
            case "LABEL" -> new Instruction.Label(n, Words.pairs(rest, escape, "LABEL"));
            case "MAINTAINER" -> new Instruction.Label(n, Map.of("maintainer", rest));
            case "VOLUME" -> new Instruction.Volume(n, rest.startsWith("[") ? jsonArray(rest, "VOLUME") : Words.split(rest, escape));
            case "STOPSIGNAL" -> new Instruction.StopSignal(n, rest);
            case "SHELL" -> {
                if (!rest.startsWith("[")) {
                    throw new IllegalArgumentException("SHELL must be a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"]");
                }
                yield new Instruction.Shell(n, jsonArray(rest, "SHELL"));
            }
            case "HEALTHCHECK" -> new Instruction.Healthcheck(n, Healthchecks.parse(rest, this::command), rest);
            case "ONBUILD" -> onBuild(l, rest);
            default -> throw new IllegalArgumentException("unknown instruction \"" + kw + "\"");
        };
    }

    /**
     * {@code ONBUILD INSTRUCTION}: checked now (so a typo fails the parent's build, at its line) and
     * stored as written; it runs when an image built from this one is used in FROM.
     */
    private Instruction onBuild(Logical l, String trigger) {
        String kw = keyword(trigger);
        if (kw.equals("ONBUILD") || kw.equals("FROM") || kw.equals("MAINTAINER")) {
            throw new IllegalArgumentException("ONBUILD " + kw + " is not allowed (Docker refuses it too)");
        }
        if (!Heredocs.markers(trigger).isEmpty()) {
            throw new IllegalArgumentException("ONBUILD with a here-document is not supported; COPY a script instead");
        }
        try {
            instruction(new Logical(l.line, trigger), Map.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ONBUILD: " + e.getMessage(), e);
        }
        return new Instruction.OnBuild(l.line, trigger);
    }

    /**
     * An ONBUILD trigger of a base image, parsed as if it were written at {@code line} (the FROM
     * that brought it in), so its errors point there.
     */
    static Instruction trigger(String file, int line, String trigger) {
        try {
            return new ContainerfileParser(file).instruction(new Logical(line, trigger), Map.of());
        } catch (IllegalArgumentException e) {
            throw new BuildException(file, line, "ONBUILD trigger \"" + trigger + "\" of the base image: " + e.getMessage());
        }
    }

    private Instruction.From from(int n, String rest, Map<String, String> globalArgs) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> w = Words.split(flags(rest, flags, Set.of("platform"), "FROM"), escape);
        if (w.size() != 1 && !(w.size() == 3 && w.get(1).equalsIgnoreCase("AS"))) {
            throw new IllegalArgumentException("FROM takes IMAGE [AS NAME], got \"" + rest + "\"");
        }
        String image = Variables.expand(w.getFirst(), globalArgs, escape);
        if (image.isEmpty()) {
            throw new IllegalArgumentException("FROM " + w.getFirst() + " expands to an empty image name (is the ARG set?)");
        }
        String name = w.size() == 3 ? w.get(2).toLowerCase(Locale.ROOT) : null;
        if (name != null && !STAGE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stage name \"" + w.get(2) + "\" must start with a letter and use letters, digits, '_', '.', '-'");
        }
        String platform = flags.containsKey("platform") ? Variables.expand(flags.get("platform"), globalArgs, escape) : null;
        return new Instruction.From(n, image, platform, name);
    }

    private Instruction.Copy copy(int n, String kw, String rest, List<Instruction.Heredoc> docs) {
        Map<String, String> flags = new LinkedHashMap<>();
        Set<String> allowed = kw.equals("COPY") ? Set.of("from", "chown", "chmod") : Set.of("chown", "chmod");
        String args = flags(rest, flags, allowed, kw);
        List<String> w = args.startsWith("[") ? jsonArray(args, kw) : Words.split(args, escape);
        if (w.size() < 2) {
            throw new IllegalArgumentException(kw + " needs at least one source and a destination");
        }
        List<String> sources = w.subList(0, w.size() - 1);
        String dest = w.getLast();
        if (sources.size() > 1 && !dest.endsWith("/") && !dest.contains("$")) {
            throw new IllegalArgumentException(kw + " with several sources needs a destination directory ending in '/'");
        }
        for (String s : sources) {
            if (kw.equals("ADD") && (s.startsWith("http://") || s.startsWith("https://") || s.startsWith("git@"))) {
                throw new IllegalArgumentException("ADD " + s + ": remote sources are not supported (builds have no network); "
                        + "download it in a RUN step with --network=host, or COPY it from the context");
            }
        }
        if (!docs.isEmpty() && flags.containsKey("from")) {
            throw new IllegalArgumentException(kw + " --from cannot take a here-document");
        }
        String chmod = flags.get("chmod");
        if (chmod != null && !chmod.matches("[0-7]{3,4}")) {
            throw new IllegalArgumentException(kw + " --chmod=" + chmod + " must be octal, e.g. 0755");
        }
        return new Instruction.Copy(n, kw.equals("ADD"), List.copyOf(sources), dest, flags.get("from"),
                flags.get("chown"), chmod, docs);
    }

    /** Peels leading --name=value flags off {@code rest} into {@code out}; unknown flags are errors. */
    static String flags(String rest, Map<String, String> out, Set<String> allowed, String kw) {
        String r = rest;
        while (r.startsWith("--")) {
            int sp = indexOfSpace(r);
            String flag = sp < 0 ? r : r.substring(0, sp);
            int eq = flag.indexOf('=');
            String name = (eq < 0 ? flag.substring(2) : flag.substring(2, eq)).toLowerCase(Locale.ROOT);
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(kw + " does not support the flag --" + name
                        + (allowed.isEmpty() ? "" : " (supported: --" + String.join(", --", allowed.stream().sorted().toList()) + ")"));
            }
            if (eq < 0 || eq == flag.length() - 1) {
                throw new IllegalArgumentException(kw + " --" + name + " needs a value: --" + name + "=VALUE");
            }
            out.put(name, flag.substring(eq + 1));
            r = sp < 0 ? "" : r.substring(sp).strip();
        }
        if (r.isEmpty()) {
            throw new IllegalArgumentException(kw + " needs arguments after its flags");
        }
        return r;
    }

    /** A JSON array means exec form; anything else (even a broken array) is shell form, as in Docker. */
    private Instruction.Command command(String rest) {
        if (rest.startsWith("[")) {
            try {
                List<String> args = OciJson.MAPPER.readValue(rest, new TypeReference<List<String>>() { });
                if (args.isEmpty()) {
                    throw new IllegalArgumentException("an exec-form command must not be empty");
                }
                return new Instruction.Command(List.copyOf(args), false);
            } catch (IOException notJson) {
                // falls through to the shell form
            }
        }
        return new Instruction.Command(List.of(rest), true);
    }

    private static List<String> jsonArray(String rest, String kw) {
        try {
            return List.copyOf(OciJson.MAPPER.readValue(rest, new TypeReference<List<String>>() { }));
        } catch (IOException e) {
            throw new IllegalArgumentException(kw + " " + rest + " is not a valid JSON array of strings");
        }
    }
}
