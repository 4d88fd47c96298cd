"""Runs a command on a new pseudo-terminal and plays a script against it, as a user at a terminal.

pty-drive.py ROWS COLS STEP... -- COMMAND...
  The terminal is ROWS x COLS before COMMAND starts. Each STEP is
    wait:TEXT       read the output until TEXT appears (60 s at most)
    send:TEXT       type TEXT (Python escapes: \\n, \\x03 for Ctrl-C)
    size:ROWS:COLS  resize the terminal (the foreground process gets SIGWINCH)
  Prints everything COMMAND wrote (carriage returns dropped), then its exit status on a last line.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

args = sys.argv[1:]
sep = args.index("--")
rows, cols, steps, command = int(args[0]), int(args[1]), args[2:sep], args[sep + 1:]


def winsize(r, c):
    return struct.pack("HHHH", r, c, 0, 0)


pid, master = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, winsize(rows, cols))
    os.execvp(command[0], command)

out = b""


def read_until(text, limit=60.0):
    global out
    end = time.time() + limit
    while text.encode() not in out and time.time() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the command has closed the terminal
                return
            if not data:
                return
            out += data


for step in steps:
    kind, _, text = step.partition(":")
    if kind == "wait":
        read_until(text)
    elif kind == "send":
        os.write(master, text.encode().decode("unicode_escape").encode("latin-1"))
    elif kind == "size":
        r, c = text.split(":")
        fcntl.ioctl(master, termios.TIOCSWINSZ, winsize(int(r), int(c)))
    else:
        sys.exit("pty-drive.py: unknown step " + step)
read_until("\0end of output\0")
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print(os.waitstatus_to_exitcode(status))
