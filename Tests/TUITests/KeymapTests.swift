// The key table is consistent: no key does two things, every action is reachable, and help shows what dispatch does.
import XCTest
@testable import TUI

final class KeymapTests: XCTestCase {}

// MARK: - Consistency
extension KeymapTests {
    func testNoKeyIsBoundTwice() {
        var seen: [Key: String] = [:]
        for b in Keymap.bindings {
            for k in b.keys {
                XCTAssertNil(seen[k], "\(k) is bound to both \(seen[k] ?? "") and \(b.help)")
                seen[k] = b.help
            }
        }
    }

    func testTheKeysTheIssueNamesDoWhatItSays() {
        let expected: [(Key, Action)] = [
            (.char("q"), .quit), (.ctrlC, .forceQuit), (.char("?"), .help), (.tab, .nextFocus), (.backTab, .previousFocus),
            (.up, .moveUp), (.char("k"), .moveUp), (.down, .moveDown), (.char("j"), .moveDown), (.left, .moveLeft),
            (.char("h"), .moveLeft), (.right, .moveRight), (.char("l"), .moveRight), (.enter, .open), (.char(" "), .toggle),
            (.char("s"), .start), (.char("x"), .cancelRun), (.char("/"), .filter), (.char("e"), .export),
            (.char("1"), .focus(.setup)), (.char("5"), .focus(.log)),
        ]
        for (key, action) in expected { XCTAssertEqual(Keymap.action(for: key), action, "\(key)") }
    }

    func testEveryPaneHasADigit() {
        for pane in Pane.allCases {
            XCTAssertEqual(Keymap.action(for: .char(Character("\(pane.rawValue)"))), .focus(pane))
        }
    }

    func testHelpBarShowsOnlyTableEntriesAndAlwaysHelpAndQuit() {
        for pane in Pane.allCases {
            var s = AppState(width: 120, height: 40, experiments: [fixtureChoices()], source: "x")
            s.focus = pane
            let items = helpBarItems(for: s)
            XCTAssertTrue(items.contains { $0.key == "?" && $0.help == "help" })
            XCTAssertTrue(items.contains { $0.key == "q" && $0.help == "quit" })
            for item in items {
                XCTAssertTrue(Keymap.bindings.contains { $0.label == item.key && $0.help == item.help }, "\(item)")
            }
            var b = ScreenBuffer(width: 0, height: 0)
            render(s, into: &b, theme: Theme())
            XCTAssertTrue(b.line(39).hasPrefix("? help  q quit  Tab pane"), "help bar of \(pane): \(b.line(39))")
        }
    }

    func testHelpOverlayListsEveryBinding() {
        var s = AppState(width: 120, height: 40, experiments: [fixtureChoices()], source: "x")
        s.showHelp = true
        var b = ScreenBuffer(width: 0, height: 0)
        render(s, into: &b, theme: Theme())
        let text = b.plainText
        for binding in Keymap.bindings {
            XCTAssertTrue(text.contains(binding.label), "overlay lacks \(binding.label)")
            XCTAssertTrue(text.contains(binding.help), "overlay lacks \(binding.help)")
        }
    }

    func testEveryHelpBarFitsAt80Columns() {
        for pane in Pane.allCases {
            var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
            s.focus = pane
            var b = ScreenBuffer(width: 0, height: 0)
            render(s, into: &b, theme: Theme())
            for item in Keymap.helpBar(for: pane) {
                XCTAssertTrue(b.line(23).contains("\(item.label) \(item.help)"), "\(pane) help bar lacks \(item.label)")
            }
        }
    }
}
