import Foundation
import SQLKit
import SesameCore

// MARK: SES import and export jobs

extension SQLStoreSession {
    func putJob(_ job: DataJob) async throws {
        try await db.raw(
            """
            INSERT INTO ses_jobs (region, id, kind, status, created_at, document)
            VALUES (\(bind: job.region), \(bind: job.id), \(bind: job.kind.rawValue), \(bind: job.status.rawValue),
                    \(bind: Timestamp.millis(job.createdAt)), \(bind: job.storedJSON))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, document = excluded.document
            """
        ).run()
    }

    func job(id: String) async throws -> DataJob? {
        try await db.raw("SELECT document FROM ses_jobs WHERE id = \(bind: id)").first()
            .flatMap { DataJob.stored(try $0.decode(column: "document", as: String.self)) }
    }

    func jobs(region: String, kind: DataJob.Kind, before: (createdAt: Date, id: String)?, limit: Int) async throws -> [DataJob] {
        var query = SQLQueryString(
            "SELECT document FROM ses_jobs WHERE region = \(bind: region) AND kind = \(bind: kind.rawValue)")
        if let before {
            let millis = Timestamp.millis(before.createdAt)
            query += " AND (created_at < \(bind: millis) OR (created_at = \(bind: millis) AND id < \(bind: before.id)))"
        }
        query += " ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)"
        return try await db.raw(query).all().compactMap { DataJob.stored(try $0.decode(column: "document", as: String.self)) }
    }

    func claimJob(owner: String) async throws -> DataJob? {
        guard
            let id = try await db.raw("SELECT id FROM ses_jobs WHERE status = 'CREATED' ORDER BY created_at, id LIMIT 1").first()
                .map({ try $0.decode(column: "id", as: String.self) })
        else { return nil }
        try await db.raw(
            "UPDATE ses_jobs SET status = 'PROCESSING', owner = \(bind: owner) WHERE id = \(bind: id) AND status = 'CREATED'"
        ).run()
        guard
            let row = try await db.raw("SELECT document FROM ses_jobs WHERE id = \(bind: id) AND owner = \(bind: owner)").first(),
            var job = DataJob.stored(try row.decode(column: "document", as: String.self))
        else { return nil }
        job.status = .processing
        try await putJob(job)
        return job
    }
}
