// The function app's storage account: the host's own blobs (the timer's singleton
// lock and schedule status), the deployment package container Flex Consumption
// reads the app from, and, with stateStorage 'blob', the two state containers.
// Shared keys are off: everything signs in with the managed identity.
param name string
param location string
param tags object
param deploymentContainerName string
@description('Blob containers for conversation and user state; empty unless stateStorage is blob.')
param stateContainerNames array = []
param identityPrincipalId string
@description('Optional: your own user principal, to read the blobs while developing.')
param principalId string = ''

// Storage Blob Data Owner: the Functions host manages its blob leases and
// containers (docs: "Connecting to host storage with an identity").
var blobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var containerNames = concat([deploymentContainerName], stateContainerNames)

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  #checkov:skip=CKV_AZURE_35:Flex Consumption without a virtual network reaches storage over its public endpoint; access needs an Entra identity since shared keys are off.
  #checkov:skip=CKV_AZURE_59:As CKV_AZURE_35: no virtual network in this template; public network access is needed, anonymous and key access are off.
  #checkov:skip=CKV_AZURE_206:Locally redundant storage is enough for a deployment package and state that expires within minutes; zone or geo redundancy costs more at rest.
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource identityBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, blobDataOwnerRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(account.id, principalId, blobDataOwnerRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    principalId: principalId
    principalType: 'User'
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
