// The results database (SQLite through GRDB, WAL mode) in the results folder: runs, per-epoch metrics, final metrics,
// specs, fingerprints, versions, timings, warnings and the latest trainer checkpoint of each run. Every write is one
// transaction, so a kill at any moment leaves a readable database that lacks at most the epoch in flight.
import Engine
import Foundation
import GRDB

/// The version written with every run.
public enum ProGradVersion { public static let current = "0.1.0" }

/// Where a run stands in the database.
public enum RunStatus: String, Codable, Sendable { case running, finished, failed, cancelled }

/// One run as stored.
public struct RunRecord: Sendable, Equatable {
    public var id: RunID
    public var experiments: [String]
    public var protocolName: String
    public var status: RunStatus
    public var message: String?
    public var specJSON: String
    public var modelFingerprint: String
    public var datasetFingerprint: String
    public var version: String
    public var seconds: Double?
    public var final: FinalMetrics?
    public var epochs: [EpochMetrics]
    public var warnings: [String]
}

/// The SQLite results store of one results folder.
public final class ResultsStore: @unchecked Sendable {
    public static let fileName = "results.sqlite"
    public let url: URL
    private let pool: DatabasePool

    /// Opens (creating and migrating when writable) <folder>/results.sqlite.
    public init(folder: URL, readOnly: Bool = false) throws {
        url = folder.appendingPathComponent(Self.fileName)
        var config = Configuration()
        config.busyMode = .timeout(30)     // a second process writing waits instead of failing
        config.readonly = readOnly
        // WAL + synchronous NORMAL: a commit is durable against a killed process (the WAL is in the OS cache) and
        // costs no fsync; only a power cut can lose the last commits, never consistency.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        if readOnly {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DatasetError("\(url.path): no results database; run `prograd run` first or pass --results DIR")
            }
        } else {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        pool = try DatabasePool(path: url.path, configuration: config)
        if !readOnly { try Self.migrator.migrate(pool) }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, shots INTEGER NOT NULL, method TEXT NOT NULL,
                    seed INTEGER NOT NULL, protocol TEXT NOT NULL, spec TEXT NOT NULL, model_fingerprint TEXT NOT NULL,
                    dataset_fingerprint TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, message TEXT,
                    created_at REAL NOT NULL, started_at REAL NOT NULL, finished_at REAL, seconds REAL,
                    resumed_from INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE experiment_runs (
                    experiment TEXT NOT NULL, run_id TEXT NOT NULL REFERENCES runs(id), position INTEGER NOT NULL,
                    PRIMARY KEY (experiment, run_id));
                CREATE TABLE epochs (
                    run_id TEXT NOT NULL REFERENCES runs(id), epoch INTEGER NOT NULL, epochs INTEGER NOT NULL,
                    loss_ce REAL NOT NULL, loss_kl REAL, lr REAL NOT NULL, base_acc REAL NOT NULL, new_acc REAL,
                    conflict_rate REAL, mean_cosine REAL, seconds REAL NOT NULL, PRIMARY KEY (run_id, epoch));
                CREATE TABLE finals (
                    run_id TEXT PRIMARY KEY REFERENCES runs(id), base_acc REAL NOT NULL, new_acc REAL, h REAL,
                    seconds REAL NOT NULL, skipped_images INTEGER NOT NULL, targets TEXT);
                CREATE TABLE checkpoints (
                    run_id TEXT PRIMARY KEY REFERENCES runs(id), epoch INTEGER NOT NULL, state BLOB NOT NULL);
                CREATE TABLE warnings (run_id TEXT NOT NULL REFERENCES runs(id), message TEXT NOT NULL);
                """)
        }
        return m
    }

    // MARK: - Writes (each one transaction)

    /// Records that `run` starts (or resumes from `resumedFrom`); epochs after the checkpoint are dropped.
    public func beginRun(_ run: ResolvedRun, position: Int, modelFingerprint: String, datasetFingerprint: String,
                         warnings: [String], resumedFrom: Int, at time: Double) throws {
        let id = run.specHash
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let spec = String(decoding: try encoder.encode(run.identity), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, dataset, shots, method, seed, protocol, spec, model_fingerprint, dataset_fingerprint,
                                  version, status, created_at, started_at, resumed_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = 'running', message = NULL, started_at = excluded.started_at,
                    model_fingerprint = excluded.model_fingerprint, dataset_fingerprint = excluded.dataset_fingerprint,
                    version = excluded.version, resumed_from = excluded.resumed_from, finished_at = NULL
                """, arguments: [id, run.identity.dataset.name, run.identity.shots, run.identity.method.displayName,
                                 run.identity.seed, run.identity.protocol.rawValue, spec, modelFingerprint,
                                 datasetFingerprint, ProGradVersion.current, time, time, resumedFrom])
            try db.execute(sql: "INSERT OR IGNORE INTO experiment_runs (experiment, run_id, position) VALUES (?, ?, ?)",
                           arguments: [run.experiment, id, position])
            try db.execute(sql: "DELETE FROM epochs WHERE run_id = ? AND epoch > ?", arguments: [id, resumedFrom])
            if resumedFrom == 0 { try db.execute(sql: "DELETE FROM checkpoints WHERE run_id = ?", arguments: [id]) }
            try db.execute(sql: "DELETE FROM finals WHERE run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM warnings WHERE run_id = ?", arguments: [id])
            for w in warnings { try db.execute(sql: "INSERT INTO warnings (run_id, message) VALUES (?, ?)", arguments: [id, w]) }
        }
    }

    /// Adds the run to an experiment's list (for runs skipped because another experiment already finished them).
    public func attach(_ run: ResolvedRun, position: Int) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO experiment_runs (experiment, run_id, position) VALUES (?, ?, ?)",
                           arguments: [run.experiment, run.specHash, position])
        }
    }

    /// Stores a finished epoch's metrics and the checkpoint after it, together.
    public func recordEpoch(_ runID: String, _ m: EpochMetrics, checkpoint: RunCheckpoint) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO epochs (run_id, epoch, epochs, loss_ce, loss_kl, lr, base_acc, new_acc,
                                               conflict_rate, mean_cosine, seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, m.epoch, m.epochs, m.lossCE, m.lossKL, m.lr, m.baseAccuracy, m.newAccuracy,
                                 m.conflictRate, m.meanCosine, m.seconds])
            try db.execute(sql: "INSERT OR REPLACE INTO checkpoints (run_id, epoch, state) VALUES (?, ?, ?)",
                           arguments: [runID, checkpoint.epoch, checkpoint.state])
        }
    }

    /// Marks a run finished with its final metrics; its checkpoint is no longer needed.
    public func finishRun(_ runID: String, final f: FinalMetrics, at time: Double) throws {
        let targets = try f.targetAccuracies.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO finals (run_id, base_acc, new_acc, h, seconds, skipped_images, targets)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, f.baseAccuracy, f.newAccuracy, f.harmonicMean, f.seconds, f.skippedImages, targets])
            try db.execute(sql: "UPDATE runs SET status = 'finished', finished_at = ?, seconds = ? WHERE id = ?",
                           arguments: [time, f.seconds, runID])
            try db.execute(sql: "DELETE FROM checkpoints WHERE run_id = ?", arguments: [runID])
        }
    }

    /// Sets a run's status (failed, cancelled; running is what a killed process leaves behind).
    public func markRun(_ runID: String, _ status: RunStatus, message: String? = nil) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, message = ? WHERE id = ?",
                           arguments: [status.rawValue, message, runID])
        }
    }

    // MARK: - Reads (concurrent with writes)

    /// A run's status, nil when the database has never seen it.
    public func status(of runID: String) throws -> RunStatus? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [runID]).flatMap(RunStatus.init)
        }
    }

    /// The checkpoint after the last finished epoch of an unfinished run.
    public func checkpoint(for runID: String) throws -> RunCheckpoint? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT epoch, state FROM checkpoints WHERE run_id = ?", arguments: [runID])
                .map { RunCheckpoint(epoch: $0["epoch"], state: $0["state"]) }
        }
    }

    /// A run's epochs in order.
    public func epochs(for runID: String) throws -> [EpochMetrics] {
        try pool.read { db in try Self.epochs(db, runID) }
    }

    /// A finished run's final metrics.
    public func finalMetrics(for runID: String) throws -> FinalMetrics? {
        try pool.read { db in try Self.final(db, runID) }
    }

    /// Every run of an experiment (all runs when nil), in grid order.
    public func records(experiment: String? = nil) throws -> [RunRecord] {
        try pool.read { db in
            let rows: [Row]
            if let experiment {
                rows = try Row.fetchAll(db, sql: """
                    SELECT runs.* FROM runs JOIN experiment_runs ON experiment_runs.run_id = runs.id
                    WHERE experiment_runs.experiment = ? ORDER BY experiment_runs.position
                    """, arguments: [experiment])
            } else {
                rows = try Row.fetchAll(db, sql: """
                    SELECT runs.* FROM runs LEFT JOIN
                      (SELECT run_id, MIN(position) AS position FROM experiment_runs GROUP BY run_id) AS p
                    ON p.run_id = runs.id ORDER BY p.position, runs.created_at
                    """)
            }
            return try rows.map { row in
                let id: String = row["id"], spec: String = row["spec"], protocolName: String = row["protocol"]
                return RunRecord(
                    id: RunID(dataset: row["dataset"], shots: row["shots"], kind: Self.methodKind(inSpec: spec),
                              label: row["method"], seed: row["seed"],
                              protocol: ExperimentProtocol(rawValue: protocolName) ?? .fewShot, specHash: id),
                    experiments: try String.fetchAll(db, sql: "SELECT experiment FROM experiment_runs WHERE run_id = ? ORDER BY experiment",
                                                     arguments: [id]),
                    protocolName: row["protocol"], status: RunStatus(rawValue: row["status"]) ?? .failed,
                    message: row["message"], specJSON: row["spec"], modelFingerprint: row["model_fingerprint"],
                    datasetFingerprint: row["dataset_fingerprint"], version: row["version"], seconds: row["seconds"],
                    final: try Self.final(db, id), epochs: try Self.epochs(db, id),
                    warnings: try String.fetchAll(db, sql: "SELECT message FROM warnings WHERE run_id = ? ORDER BY rowid",
                                                  arguments: [id]))
            }
        }
    }

    /// The method kind recorded in a run's stored identity ("method": {"method": <kind>, …}).
    static func methodKind(inSpec spec: String) -> MethodKind {
        let object = (try? JSONSerialization.jsonObject(with: Data(spec.utf8))) as? [String: Any]
        return MethodKind(((object?["method"] as? [String: Any])?["method"] as? String) ?? "unknown")
    }

    /// The experiment names in the database.
    public func experimentNames() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT experiment FROM experiment_runs ORDER BY experiment") }
    }

    private static func epochs(_ db: Database, _ runID: String) throws -> [EpochMetrics] {
        try Row.fetchAll(db, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [runID]).map { r in
            EpochMetrics(epoch: r["epoch"], epochs: r["epochs"], lossCE: r["loss_ce"], lossKL: r["loss_kl"], lr: r["lr"],
                         baseAccuracy: r["base_acc"], newAccuracy: r["new_acc"], conflictRate: r["conflict_rate"],
                         meanCosine: r["mean_cosine"], seconds: r["seconds"])
        }
    }

    private static func final(_ db: Database, _ runID: String) throws -> FinalMetrics? {
        try Row.fetchOne(db, sql: "SELECT * FROM finals WHERE run_id = ?", arguments: [runID]).map { r in
            let targets = (r["targets"] as String?).flatMap {
                try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8))
            }
            return FinalMetrics(baseAccuracy: r["base_acc"], newAccuracy: r["new_acc"], seconds: r["seconds"],
                                skippedImages: r["skipped_images"], targetAccuracies: targets)
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys (stable output).
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
