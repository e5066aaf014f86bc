public import Foundation
import SesameConcurrency
public import SesameCore
import SesameStorage

/// Where import files are read from and export files written: an S3-compatible endpoint or a
/// local directory the operator gives (SesameDelivery implements both).
public protocol ObjectStorage: Sendable {
    func get(bucket: String, key: String) async throws -> [UInt8]
    func put(bucket: String, key: String, bytes: [UInt8], contentType: String) async throws
}

/// SES v2's import and export jobs: created by the API, run in the background by
/// `DataJobRunner` (one node takes each job), their outcome kept with the job.
extension SESBackend {
    static func validateJobFile(_ url: String, format: String) throws(SesameError) {
        guard DataJob.location(url) != nil else {
            throw SesameError(.invalidParameterValue, "S3Url must look like s3://BUCKET/KEY (got \(url)).")
        }
        guard format == "CSV" || format == "JSON" else { throw SesameError(.invalidParameterValue, "DataFormat must be CSV or JSON.") }
    }

    public func createImportJob(
        _ caller: Caller, region: String, suppressionAction: String?, contactList: (name: String, action: String)?, s3URL: String,
        format: String
    ) async throws -> String {
        try authorize(caller, "ses:CreateImportJob", "*")
        try Self.validateJobFile(s3URL, format: format)
        guard (suppressionAction == nil) != (contactList == nil) else {
            throw SesameError(
                .invalidParameterValue, "ImportDestination must name exactly one of SuppressionListDestination and ContactListDestination.")
        }
        var job = DataJob(
            id: UUID().uuidString.lowercased(), region: region, kind: .importJob, format: format, s3URL: s3URL, createdAt: clock.now())
        if let suppressionAction {
            job.importDestination = "SUPPRESSION_LIST"
            job.importAction = suppressionAction
        } else if let contactList {
            job.importDestination = "CONTACT_LIST"
            job.importAction = contactList.action
            job.contactList = contactList.name
        }
        let created = job
        try await store.transaction { session in
            if let name = created.contactList, !(try await session.contactLists(region: region).contains { $0.name == name }) {
                throw Self.listMissing(name)
            }
            try await session.putJob(created)
        }
        jobsWaiting.signal()
        return job.id
    }

    public func createExportJob(_ caller: Caller, region: String, job template: DataJob) async throws -> String {
        try authorize(caller, "ses:CreateExportJob", "*")
        try Self.validateJobFile(template.s3URL, format: template.format)
        guard let start = template.startDate, let end = template.endDate, start < end else {
            throw SesameError(.invalidParameterValue, "EndDate must be after StartDate.")
        }
        var job = template
        job.id = UUID().uuidString.lowercased()
        job.region = region
        job.kind = .exportJob
        job.status = .created
        job.createdAt = clock.now()
        let created = job
        try await store.transaction { session in try await session.putJob(created) }
        jobsWaiting.signal()
        return job.id
    }

    public func dataJob(_ caller: Caller, region: String, id: String, kind: DataJob.Kind) async throws -> DataJob {
        try authorize(caller, kind == .importJob ? "ses:GetImportJob" : "ses:GetExportJob", "*")
        guard let job = try await store.read({ try await $0.job(id: id) }), job.region == region, job.kind == kind else {
            throw SesameError(.notFound, "Job \(id) does not exist.")
        }
        return job
    }

    /// A page of a region's jobs, newest first; the token is the last job's ID.
    public func dataJobs(
        _ caller: Caller, region: String, kind: DataJob.Kind, nextToken: String?, pageSize: Int?,
        filter: @escaping @Sendable (DataJob) -> Bool
    ) async throws -> (jobs: [DataJob], nextToken: String?) {
        try authorize(caller, kind == .importJob ? "ses:ListImportJobs" : "ses:ListExportJobs", "*")
        let size = min(max(pageSize ?? 100, 1), 100)
        return try await store.read { session in
            var before: (Date, String)?
            if let nextToken {
                guard let last = try await session.job(id: nextToken), last.region == region else {
                    throw SesameError(.invalidParameterValue, "Invalid NextToken.")
                }
                before = (last.createdAt, last.id)
            }
            var out: [DataJob] = []
            while out.count <= size {
                let page = try await session.jobs(region: region, kind: kind, before: before, limit: 200)
                out += page.filter(filter)
                guard let last = page.last, page.count == 200 else { break }
                before = (last.createdAt, last.id)
            }
            return out.count > size ? (Array(out.prefix(size)), out[size - 1].id) : (out, nil)
        }
    }

    /// `CancelExportJob`: a job not yet finished stops (a running one at its next record).
    public func cancelExportJob(_ caller: Caller, region: String, id: String) async throws {
        try authorize(caller, "ses:CancelExportJob", "*")
        try await store.transaction { session in
            guard var job = try await session.job(id: id), job.region == region, job.kind == .exportJob else {
                throw SesameError(.notFound, "Job \(id) does not exist.")
            }
            guard job.status == .created || job.status == .processing else {
                throw SesameError(.invalidParameterValue, "Job \(id) is already \(job.status.rawValue) and cannot be cancelled.")
            }
            job.status = .cancelled
            job.completedAt = self.clock.now()
            try await session.putJob(job)
        }
    }

    /// Takes the next waiting job for this node, if any.
    public func claimDataJob(owner: String) async throws -> DataJob? {
        try await store.transaction { session in try await session.claimJob(owner: owner) }
    }

    /// Runs a claimed job to its end and records the outcome (a cancelled job stays cancelled).
    public func runDataJob(_ job: DataJob, storage: any ObjectStorage) async {
        var done = job
        do {
            guard let location = DataJob.location(job.s3URL) else { throw SesameError(.invalidParameterValue, "Bad S3Url.") }
            switch job.kind {
            case .importJob:
                let bytes = try await storage.get(bucket: location.bucket, key: location.key)
                (done.processed, done.failed) = try await runImport(job, bytes)
            case .exportJob:
                let (records, considered) = try await exportRecords(job)
                done.processed = considered
                done.exported = records.count
                try await storage.put(
                    bucket: location.bucket, key: location.key, bytes: DataFile.write(records, format: job.format),
                    contentType: job.format == "JSON" ? "application/x-ndjson" : "text/csv")
            }
            done.status = .completed
        } catch let error as SesameError {
            done.status = .failed
            done.failureMessage = error.message
        } catch {
            done.status = .failed
            done.failureMessage = "\(error)"
        }
        done.completedAt = clock.now()
        let finished = done
        _ = try? await store.transaction { session in
            // A job cancelled while it ran keeps its cancellation.
            if let current = try await session.job(id: finished.id), current.status == .cancelled { return }
            try await session.putJob(finished)
        }
    }
}
