package dev.vessel.image.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Here-documents in RUN, COPY and ADD (Dockerfile 1.4 syntax): {@code <<EOF}, {@code <<-EOF}
 * (leading tabs stripped) and {@code <<"EOF"} / {@code <<'EOF'} (no variable expansion), each
 * followed by its body lines and a line holding only the delimiter.
 *
 * <p>RUN: a bare {@code RUN <<EOF} runs the body as a script with the SHELL, or, when it starts
 * with {@code #!}, as an executable file (written with mktemp, so the image needs mktemp, cat
 * and chmod, as any shell image has). Otherwise ({@code RUN cat <<EOF > /f}) the instruction
 * and the bodies, written back as they were, are one script for the shell, which implements
 * here-documents itself. COPY/ADD: each {@code <<NAME} source is a file called NAME.
 */
final class Heredocs {
    private static final Pattern MARKER = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");

    private Heredocs() {
    }

    /** The delimiters {@code text} opens, in order. */
    static List<MatchResult> markers(String text) {
        return MARKER.matcher(text).results().toList();
    }

    /**
     * Reads the bodies of {@code text}'s here-documents from {@code lines} starting at index
     * {@code from}; returns them, and the index after the last delimiter line in {@code next[0]}.
     */
    static List<Instruction.Heredoc> read(String text, String[] lines, int from, int[] next, String file, int line) {
        List<Instruction.Heredoc> out = new ArrayList<>();
        int i = from;
        for (MatchResult m : markers(text)) {
            boolean strip = !m.group(1).isEmpty();
            String name = m.group(3);
            StringBuilder content = new StringBuilder();
            StringBuilder raw = new StringBuilder();
            boolean closed = false;
            for (; i < lines.length; i++) {
                String l = strip ? lines[i].replaceFirst("^\t+", "") : lines[i];
                raw.append(lines[i]).append('\n');
                if (l.equals(name)) {
                    closed = true;
                    i++;
                    break;
                }
                content.append(l).append('\n');
            }
            if (!closed) {
                throw new BuildException(file, line, "here-document " + m.group() + " has no closing line \"" + name + "\"");
            }
            out.add(new Instruction.Heredoc(name, content.toString(), raw.toString(), m.group(2).isEmpty()));
        }
        next[0] = i;
        return List.copyOf(out);
    }

    /** The command a RUN with here-documents runs (see the class comment). */
    static Instruction.Command run(String command, List<Instruction.Heredoc> docs) {
        if (command.startsWith("[")) {
            throw new IllegalArgumentException("RUN in exec form (JSON) cannot take a here-document");
        }
        if (docs.size() == 1 && MARKER.matcher(command.strip()).matches()) {
            Instruction.Heredoc d = docs.getFirst();
            if (!d.content().startsWith("#!")) {
                return new Instruction.Command(List.of(d.content()), true);
            }
            String script = "f=$(mktemp) && cat > \"$f\" <<'" + d.name() + "'\n" + d.content() + d.name() + "\n"
                    + "chmod 700 \"$f\" && \"$f\"; s=$?; rm -f \"$f\"; exit $s";
            return new Instruction.Command(List.of(script), true);
        }
        StringBuilder script = new StringBuilder(command).append('\n');
        docs.forEach(d -> script.append(d.raw()));
        return new Instruction.Command(List.of(script.toString()), true);
    }

    /** The here-document a COPY source names ("<<EOF"), if it is one. */
    static Optional<Instruction.Heredoc> source(String source, List<Instruction.Heredoc> docs) {
        Matcher m = MARKER.matcher(source);
        if (!m.matches()) {
            return Optional.empty();
        }
        return docs.stream().filter(d -> d.name().equals(m.group(3))).findFirst();
    }
}
