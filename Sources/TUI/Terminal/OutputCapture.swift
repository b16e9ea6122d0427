// While the TUI owns the terminal, whatever the process writes to stdout or stderr goes into the log pane, not over
// the screen (curses draws through its own copy of the terminal's descriptor).
import Foundation

/// Points file descriptors 1 and 2 at a pipe whose lines are posted as `.outputLine`; `stop()` puts them back.
final class OutputCapture {
    private let thread: Thread

    init?(queue: MessageQueue) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        fflush(stdout); fflush(stderr)
        let savedOut = dup(1), savedErr = dup(2)
        guard savedOut >= 0, savedErr >= 0, dup2(fds[1], 1) >= 0, dup2(fds[1], 2) >= 0 else {
            close(fds[0]); close(fds[1]); return nil
        }
        close(fds[1])
        TerminalGuard.savedStdout = savedOut
        TerminalGuard.savedStderr = savedErr
        let fd = fds[0]
        thread = Thread {
            var pending = Data()
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                pending.append(contentsOf: chunk[0..<n])
                while let nl = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    if !line.isEmpty { queue.post(.outputLine(line)) }
                }
            }
            if !pending.isEmpty { queue.post(.outputLine(String(decoding: pending, as: UTF8.self))) }
            close(fd)
        }
        thread.name = "output-capture"
        thread.start()
    }

    /// Puts the original stdout and stderr back; the reader thread ends when the pipe closes.
    func stop() {
        fflush(stdout); fflush(stderr)
        let out = TerminalGuard.savedStdout, err = TerminalGuard.savedStderr
        TerminalGuard.savedStdout = -1; TerminalGuard.savedStderr = -1
        if out >= 0 { dup2(out, 1); close(out) }
        if err >= 0 { dup2(err, 2); close(err) }
    }
}
