import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    static func addIdentityProviders(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateOpenIDConnectProvider.self) { input, call in
            let created = try await iam.createOIDCProvider(
                call.caller, url: input.url, clientIDs: input.clientIDList ?? [], thumbprints: input.thumbprintList ?? [],
                tags: tags(input.tags))
            return .init(openIDConnectProviderArn: created.arn, tags: input.tags)
        }
        handlers.on(IAM.Operations.GetOpenIDConnectProvider.self) { input, call in
            let (provider, providerTags) = try await iam.getOIDCProvider(call.caller, arn: input.openIDConnectProviderArn)
            return .init(
                url: provider.url, clientIDList: provider.clientIDs, thumbprintList: provider.thumbprints, createDate: provider.createdAt,
                tags: providerTags.isEmpty ? nil : tags(providerTags))
        }
        handlers.on(IAM.Operations.ListOpenIDConnectProviders.self) { _, call in
            .init(
                openIDConnectProviderList: try await iam.listOIDCProviders(call.caller).map {
                    IAM.OpenIDConnectProviderListEntry(arn: $0.arn)
                })
        }
        handlers.on(IAM.Operations.DeleteOpenIDConnectProvider.self) { input, call in
            try await iam.deleteOIDCProvider(call.caller, arn: input.openIDConnectProviderArn)
            return .init()
        }
        handlers.on(IAM.Operations.AddClientIDToOpenIDConnectProvider.self) { input, call in
            try await iam.updateOIDCProvider(
                call.caller, arn: input.openIDConnectProviderArn, action: "iam:AddClientIDToOpenIDConnectProvider",
                addClientID: input.clientID)
            return .init()
        }
        handlers.on(IAM.Operations.RemoveClientIDFromOpenIDConnectProvider.self) { input, call in
            try await iam.updateOIDCProvider(
                call.caller, arn: input.openIDConnectProviderArn, action: "iam:RemoveClientIDFromOpenIDConnectProvider",
                removeClientID: input.clientID)
            return .init()
        }
        handlers.on(IAM.Operations.UpdateOpenIDConnectProviderThumbprint.self) { input, call in
            try await iam.updateOIDCProvider(
                call.caller, arn: input.openIDConnectProviderArn, action: "iam:UpdateOpenIDConnectProviderThumbprint",
                thumbprints: input.thumbprintList)
            return .init()
        }
        handlers.on(IAM.Operations.TagOpenIDConnectProvider.self) { input, call in
            try await iam.tag(
                call.caller, .oidcProvider(arn: input.openIDConnectProviderArn), action: "iam:TagOpenIDConnectProvider",
                tags: tags(input.tags))
            return .init()
        }
        handlers.on(IAM.Operations.UntagOpenIDConnectProvider.self) { input, call in
            try await iam.untag(
                call.caller, .oidcProvider(arn: input.openIDConnectProviderArn), action: "iam:UntagOpenIDConnectProvider",
                keys: input.tagKeys)
            return .init()
        }
        handlers.on(IAM.Operations.ListOpenIDConnectProviderTags.self) { input, call in
            let page = try await iam.listTags(
                call.caller, .oidcProvider(arn: input.openIDConnectProviderArn), action: "iam:ListOpenIDConnectProviderTags",
                marker: input.marker, maxItems: input.maxItems)
            return .init(tags: tags(page.items), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
    }
}
