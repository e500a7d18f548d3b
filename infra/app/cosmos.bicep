// Cosmos DB for NoSQL, serverless (no charge at rest beyond storage), key auth
// off. The database and both containers are created here exactly as the app
// would create them (shared/storage/cosmos_containers.py), because an Entra
// identity may use data but not create databases or containers.
param name string
param location string
param tags object
param databaseId string
param conversationContainerId string
param userContainerId string
@description('defaultTtl of the conversation container, in seconds; the user container has none.')
param conversationTimeToLive int
param identityPrincipalId string
@description('Optional: your own user principal, to read the data while developing.')
param principalId string = ''

// Cosmos DB Built-in Data Contributor (a data-plane role of the account).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  #checkov:skip=CKV_AZURE_99:No virtual network in this template: the function app reaches Cosmos over its public endpoint, with Entra sign-in only (local auth off).
  #checkov:skip=CKV_AZURE_101:Public network access is needed without a virtual network (see CKV_AZURE_99); key access is disabled.
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseId
  properties: {
    resource: {
      id: databaseId
    }
  }
}

resource conversationContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: conversationContainerId
  properties: {
    resource: {
      id: conversationContainerId
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
      }
      defaultTtl: conversationTimeToLive
      // Only DueAt and LastAccessedTime are indexed: the sweeper's range query needs them.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/document/DueAt/?'
          }
          {
            path: '/document/LastAccessedTime/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

resource userContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: userContainerId
  properties: {
    resource: {
      id: userContainerId
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
      }
    }
  }
}

resource identityDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, identityPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: identityPrincipalId
    scope: account.id
  }
}

resource userDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = if (!empty(principalId)) {
  parent: account
  name: guid(account.id, principalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: principalId
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
