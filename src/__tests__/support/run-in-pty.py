#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal, as a user's terminal would, for papi's pty tests.

Usage: pty.py [--cols N] [--rows N] [--interrupt-on REGEX] [--interrupts N] [--timeout S] -- cmd args...
Writes everything the command printed to stdout, then a last line "EXIT <code>" (or "TIMEOUT").
With --interrupt-on, types Ctrl-C (\x03, which the terminal turns into SIGINT) once the output
matches REGEX, N times half a second apart. Python's pty module keeps CI free of native npm builds.
"""
import argparse, fcntl, os, pty, re, select, signal, struct, sys, termios, time

p = argparse.ArgumentParser()
p.add_argument('--cols', type=int, default=100)
p.add_argument('--rows', type=int, default=30)
p.add_argument('--interrupt-on')
p.add_argument('--interrupts', type=int, default=1)
p.add_argument('--timeout', type=float, default=120)
p.add_argument('cmd', nargs=argparse.REMAINDER)
a = p.parse_args()
cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', a.rows, a.cols, 0, 0))
out = b''
deadline = time.time() + a.timeout
sent = 0
next_send = 0.0
status = None
while True:
    now = time.time()
    if now > deadline:
        break
    if a.interrupt_on and sent < a.interrupts and now >= next_send and re.search(a.interrupt_on.encode(), out):
        os.write(fd, b'\x03')
        sent += 1
        next_send = now + 0.5
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b''
        if not chunk:
            break
        out += chunk
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        # Drain what is left.
        try:
            while select.select([fd], [], [], 0.2)[0]:
                chunk = os.read(fd, 65536)
                if not chunk: break
                out += chunk
        except OSError:
            pass
        break
# The terminal closed (EOF): the command is exiting; wait for it until the deadline.
while status is None and time.time() < deadline:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
    else:
        time.sleep(0.05)
sys.stdout.buffer.write(out)
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.stdout.write('\nTIMEOUT\n')
else:
    code = os.waitstatus_to_exitcode(status)
    sys.stdout.write('\nEXIT %d\n' % (code if code >= 0 else 128 - code))
