import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2's import jobs (suppression list and contact list from a CSV or JSON file) and export
/// jobs (sending metrics and message insights to one).
extension SESv2Handlers {
    static func addJobs(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateImportJob.self) { input, call in
            let destination = input.importDestination
            let id = try await ses.createImportJob(
                call.caller, region: call.region, suppressionAction: destination.suppressionListDestination?.suppressionListImportAction,
                contactList: destination.contactListDestination.map { ($0.contactListName, $0.contactListImportAction) },
                s3URL: input.importDataSource.s3Url, format: input.importDataSource.dataFormat)
            return .init(jobId: id)
        }
        handlers.on(SESv2.Operations.GetImportJob.self) { input, call in
            let job = try await ses.dataJob(call.caller, region: call.region, id: input.jobId, kind: .importJob)
            return .init(
                jobId: job.id, importDestination: importDestination(job),
                importDataSource: SESv2.ImportDataSource(s3Url: job.s3URL, dataFormat: job.format), failureInfo: failureInfo(job),
                jobStatus: job.status.rawValue, createdTimestamp: job.createdAt, completedTimestamp: job.completedAt,
                processedRecordsCount: job.processed, failedRecordsCount: job.failed)
        }
        handlers.on(SESv2.Operations.ListImportJobs.self) { input, call in
            let wanted = input.importDestinationType
            let listed = try await ses.dataJobs(
                call.caller, region: call.region, kind: .importJob, nextToken: input.nextToken, pageSize: input.pageSize
            ) { job in wanted == nil || job.importDestination == wanted }
            return .init(
                importJobs: listed.jobs.map {
                    SESv2.ImportJobSummary(
                        jobId: $0.id, importDestination: importDestination($0), jobStatus: $0.status.rawValue,
                        createdTimestamp: $0.createdAt, processedRecordsCount: $0.processed, failedRecordsCount: $0.failed)
                }, nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.CreateExportJob.self) { input, call in
            let source = input.exportDataSource
            let url = input.exportDestination.s3Url ?? ""
            var job = DataJob(
                id: "", region: call.region, kind: .exportJob, format: input.exportDestination.dataFormat, s3URL: url, createdAt: Date())
            if let metrics = source.metricsDataSource {
                job.exportSource = "METRICS_DATA"
                (job.startDate, job.endDate, job.namespace, job.dimensions) = (
                    metrics.startDate, metrics.endDate, metrics.namespace, metrics.dimensions
                )
                job.metrics = metrics.metrics.map { DataJob.ExportMetric(name: $0.name ?? "SEND", aggregation: $0.aggregation ?? "VOLUME") }
            } else if let insights = source.messageInsightsDataSource {
                job.exportSource = "MESSAGE_INSIGHTS"
                (job.startDate, job.endDate, job.maxResults) = (insights.startDate, insights.endDate, insights.maxResults)
                job.include = insights.include.map(filters)
                job.exclude = insights.exclude.map(filters)
            } else {
                throw SesameError(.invalidParameterValue, "ExportDataSource must have MetricsDataSource or MessageInsightsDataSource.")
            }
            return .init(jobId: try await ses.createExportJob(call.caller, region: call.region, job: job))
        }
        handlers.on(SESv2.Operations.GetExportJob.self) { input, call in
            let job = try await ses.dataJob(call.caller, region: call.region, id: input.jobId, kind: .exportJob)
            return .init(
                jobId: job.id, exportSourceType: job.exportSource, jobStatus: job.status.rawValue,
                exportDestination: SESv2.ExportDestination(dataFormat: job.format, s3Url: job.s3URL),
                exportDataSource: exportDataSource(job), createdTimestamp: job.createdAt, completedTimestamp: job.completedAt,
                failureInfo: failureInfo(job),
                statistics: SESv2.ExportStatistics(processedRecordsCount: job.processed, exportedRecordsCount: job.exported))
        }
        handlers.on(SESv2.Operations.ListExportJobs.self) { input, call in
            let (type, status) = (input.exportSourceType, input.jobStatus)
            let listed = try await ses.dataJobs(
                call.caller, region: call.region, kind: .exportJob, nextToken: input.nextToken, pageSize: input.pageSize
            ) { job in (type == nil || job.exportSource == type) && (status == nil || job.status.rawValue == status) }
            return .init(
                exportJobs: listed.jobs.map {
                    SESv2.ExportJobSummary(
                        jobId: $0.id, exportSourceType: $0.exportSource, jobStatus: $0.status.rawValue, createdTimestamp: $0.createdAt,
                        completedTimestamp: $0.completedAt)
                }, nextToken: listed.nextToken)
        }
        handlers.on(SESv2.Operations.CancelExportJob.self) { input, call in
            try await ses.cancelExportJob(call.caller, region: call.region, id: input.jobId)
            return .init()
        }
    }

    static func importDestination(_ job: DataJob) -> SESv2.ImportDestination {
        job.importDestination == "CONTACT_LIST"
            ? SESv2.ImportDestination(
                contactListDestination: SESv2.ContactListDestination(
                    contactListName: job.contactList ?? "", contactListImportAction: job.importAction ?? "PUT"))
            : SESv2.ImportDestination(
                suppressionListDestination: SESv2.SuppressionListDestination(suppressionListImportAction: job.importAction ?? "PUT"))
    }

    static func failureInfo(_ job: DataJob) -> SESv2.FailureInfo? {
        job.failureMessage.map { SESv2.FailureInfo(errorMessage: $0) }
    }

    static func filters(_ given: SESv2.MessageInsightsFilters) -> [String: [String]] {
        var out: [String: [String]] = [:]
        out["FromEmailAddress"] = given.fromEmailAddress
        out["Destination"] = given.destination
        out["Subject"] = given.subject
        out["Isp"] = given.isp
        out["LastDeliveryEvent"] = given.lastDeliveryEvent
        out["LastEngagementEvent"] = given.lastEngagementEvent
        return out
    }

    static func exportDataSource(_ job: DataJob) -> SESv2.ExportDataSource {
        guard let start = job.startDate, let end = job.endDate else { return SESv2.ExportDataSource() }
        if job.exportSource == "METRICS_DATA" {
            return SESv2.ExportDataSource(
                metricsDataSource: SESv2.MetricsDataSource(
                    dimensions: job.dimensions ?? [:], namespace: job.namespace ?? "VDM",
                    metrics: (job.metrics ?? []).map { SESv2.ExportMetric(name: $0.name, aggregation: $0.aggregation) }, startDate: start,
                    endDate: end))
        }
        func wire(_ filters: [String: [String]]?) -> SESv2.MessageInsightsFilters? {
            filters.map {
                SESv2.MessageInsightsFilters(
                    fromEmailAddress: $0["FromEmailAddress"], destination: $0["Destination"], subject: $0["Subject"], isp: $0["Isp"],
                    lastDeliveryEvent: $0["LastDeliveryEvent"], lastEngagementEvent: $0["LastEngagementEvent"])
            }
        }
        return SESv2.ExportDataSource(
            messageInsightsDataSource: SESv2.MessageInsightsDataSource(
                startDate: start, endDate: end, include: wire(job.include), exclude: wire(job.exclude), maxResults: job.maxResults))
    }
}
