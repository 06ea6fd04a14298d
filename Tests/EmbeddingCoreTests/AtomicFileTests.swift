import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@Suite struct AtomicFileTests {
  /// A PID that names no running process (the highest possible PIDs are rarely in use).
  func deadPID() -> Int32 {
    var pid: Int32 = 4_194_000
    while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
    return pid
  }

  @Test func staleTemporariesOfDeadWritersAreRemovedOnTheNextWrite() throws {
    let dir = makeTemporaryDirectory()
    let target = dir.appendingPathComponent("vectors.bin").path
    let stale = dir.appendingPathComponent(".vectors.bin.tmp-\(deadPID())-12345").path
    let live = dir.appendingPathComponent(".vectors.bin.tmp-\(getppid())-777").path
    let otherName = dir.appendingPathComponent(".other.bin.tmp-\(deadPID())-1").path
    for path in [stale, live, otherName] {
      _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
    }
    try AtomicFile.write(to: target) { try $0.write([9]) }
    #expect(!FileManager.default.fileExists(atPath: stale))
    // A live process's file and another target's file are left alone.
    #expect(FileManager.default.fileExists(atPath: live))
    #expect(FileManager.default.fileExists(atPath: otherName))
    #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data([9]))
  }

  @Test func aFailedWriteLeavesTheOldFileAndNoTemporary() throws {
    let dir = makeTemporaryDirectory()
    let target = dir.appendingPathComponent("a.txt").path
    try AtomicFile.write(to: target) { try $0.write("old") }
    struct Boom: Error {}
    #expect(throws: Boom.self) { try AtomicFile.write(to: target) { _ in throw Boom() } }
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.txt"])
  }
}
