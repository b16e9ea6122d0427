// The ncurses workbench: state + messages + update + view. See Sources/TUI/README-free layout in ARCHITECTURE.
import Experiments
