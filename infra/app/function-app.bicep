// The Flex Consumption (FC1) plan and the Linux function app on Python 3.12,
// running as the user-assigned identity, with exactly the settings the app
// reads (shared/settings.py) plus the ones the Functions host and the Azure
// SDKs read. Flex Consumption takes the runtime, scale and deployment package
// from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE, WEBSITE_CONTENT* and WEBSITE_TIME_ZONE are not set
// (Flex rejects or ignores them).
param planName string
param functionAppName string
param location string
param tags object
param serviceName string
param identityId string
param identityClientId string
param identityTenantId string
param storageBlobEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
@allowed([
  2048
  4096
])
param instanceMemoryMB int
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
@allowed([
  'cosmos'
  'blob'
])
param stateStorage string
param expireAfterSeconds int
param sweepSchedule string
param cosmosEndpoint string = ''
param cosmosDatabaseId string = ''
param cosmosConversationContainerId string = ''
param cosmosUserContainerId string = ''
param cosmosTimeToLive int = 0
param blobConversationContainer string = ''
param blobUserContainer string = ''

// Read by the app (shared/settings.py). The bot signs in as the identity:
// its client id is the bot's app id, and there is no password.
var botSettings = [
  {
    name: 'MicrosoftAppType'
    value: 'UserAssignedMSI'
  }
  {
    name: 'MicrosoftAppId'
    value: identityClientId
  }
  {
    name: 'MicrosoftAppTenantId'
    value: identityTenantId
  }
  {
    name: 'ExpireAfterSeconds'
    value: string(expireAfterSeconds)
  }
  {
    name: 'SweepSchedule'
    value: sweepSchedule
  }
]

var cosmosStateSettings = [
  {
    name: 'StateStorage'
    value: 'cosmos'
  }
  {
    name: 'CosmosDbEndpoint'
    value: cosmosEndpoint
  }
  {
    name: 'CosmosDbDatabaseId'
    value: cosmosDatabaseId
  }
  {
    name: 'CosmosDbConversationStateContainerId'
    value: cosmosConversationContainerId
  }
  {
    name: 'CosmosDbUserStateContainerId'
    value: cosmosUserContainerId
  }
  {
    name: 'CosmosDbTimeToLive'
    value: string(cosmosTimeToLive)
  }
]

var blobStateSettings = [
  {
    name: 'StateStorage'
    value: 'blob'
  }
  {
    name: 'BlobAccountUrl'
    value: storageBlobEndpoint
  }
  {
    name: 'BlobConversationStateContainer'
    value: blobConversationContainer
  }
  {
    name: 'BlobUserStateContainer'
    value: blobUserContainer
  }
]

// Read by the Functions host and the Azure SDKs, not by the app's code.
var platformSettings = [
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storageBlobEndpoint
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
]

var stateSettings = stateStorage == 'cosmos' ? cosmosStateSettings : blobStateSettings
var appSettings = concat(platformSettings, botSettings, stateSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  #checkov:skip=CKV_AZURE_225:Zone redundancy on Flex Consumption needs always-ready instances, which cost money at rest; this bot scales to zero.
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  #checkov:skip=CKV_AZURE_222:The Bot Connector posts activities to /api/messages from the internet; the app authenticates each request with the Bot Framework token.
  #checkov:skip=CKV_AZURE_17:Channels do not present client certificates; they send a signed Bot Framework token, which the app validates.
  #checkov:skip=CKV_AZURE_212:Flex Consumption scales to zero on purpose; new instances start on demand.
  #checkov:skip=CKV_AZURE_213:A scale-to-zero app has no standing instance to probe; failures show in Application Insights.
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'python'
        version: '3.12'
      }
    }
  }
}

output name string = functionApp.name
output hostName string = functionApp.properties.defaultHostName
