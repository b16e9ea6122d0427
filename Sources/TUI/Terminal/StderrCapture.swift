// While the TUI owns the terminal, whatever the process writes to stderr goes into the log pane, not over the screen.
import Foundation

/// Redirects file descriptor 2 into a pipe whose lines are posted as `.stderrLine`; `stop()` puts stderr back.
final class StderrCapture {
    private let savedFD: Int32
    private let readFD: Int32
    private let thread: Thread

    init?(queue: MessageQueue) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        let saved = dup(2)
        guard saved >= 0, dup2(fds[1], 2) >= 0 else { close(fds[0]); close(fds[1]); return nil }
        close(fds[1])
        savedFD = saved
        readFD = fds[0]
        Curses.setSavedStderr(saved)
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
                    if !line.isEmpty { queue.post(.stderrLine(line)) }
                }
            }
            if !pending.isEmpty { queue.post(.stderrLine(String(decoding: pending, as: UTF8.self))) }
            close(fd)
        }
        thread.name = "stderr-capture"
        thread.start()
    }

    /// Puts the original stderr back; the reader thread ends when the pipe closes.
    func stop() {
        Curses.setSavedStderr(-1)
        dup2(savedFD, 2)
        close(savedFD)
    }
}
