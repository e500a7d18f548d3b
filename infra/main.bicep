// The bot on Azure: `azd up` deploys this at subscription scope into a new
// resource group. One user-assigned managed identity does everything (host
// storage, state storage, telemetry, and the bot's own sign-in), so no key,
// connection string or password is created or stored.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Region for every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@allowed([
  'cosmos'
  'blob'
])
@description('Where conversation and user state live: Cosmos DB serverless (with a TTL backstop) or Blob containers in the function app\'s own storage account.')
param stateStorage string = 'cosmos'

@description('Optional: your user object id (azd sets AZURE_PRINCIPAL_ID), given data access to the state while developing.')
param principalId string = ''

@minValue(1)
@description('ExpireAfterSeconds: idle time after which a conversation starts over.')
param expireAfterSeconds int = 1800

@description('SweepSchedule: NCRONTAB (seconds first) of the sweeper; every 5 minutes lets Flex Consumption scale to zero in between.')
param sweepSchedule string = '0 */5 * * * *'

@minValue(1)
@description('CosmosDbTimeToLive: the conversation container\'s defaultTtl, the backstop; keep it well above expireAfterSeconds.')
param cosmosTimeToLive int = 86400

@allowed([
  2048
  4096
])
@description('Flex Consumption instance memory in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Flex Consumption maximum number of instances.')
param maximumInstanceCount int = 40

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier: F0 is free for standard channels such as Teams and Web Chat.')
param botSku string = 'F0'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
// The same ids the app falls back to locally (local.settings.json.example).
var databaseId = 'bot-state'
var conversationStateId = 'conversation-state'
var userStateId = 'user-state'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    stateContainerNames: stateStorage == 'blob' ? [conversationStateId, userStateId] : []
    identityPrincipalId: identity.outputs.principalId
    principalId: principalId
  }
}

module cosmos 'app/cosmos.bicep' = if (stateStorage == 'cosmos') {
  name: 'cosmos'
  scope: resourceGroup
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseId: databaseId
    conversationContainerId: conversationStateId
    userContainerId: userStateId
    conversationTimeToLive: cosmosTimeToLive
    identityPrincipalId: identity.outputs.principalId
    principalId: principalId
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    planName: '${abbrs.webServerFarms}${resourceToken}'
    functionAppName: functionAppName
    location: location
    tags: tags
    serviceName: 'bot'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: identity.outputs.tenantId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    stateStorage: stateStorage
    expireAfterSeconds: expireAfterSeconds
    sweepSchedule: sweepSchedule
    cosmosEndpoint: stateStorage == 'cosmos' ? cosmos.outputs.endpoint : ''
    cosmosDatabaseId: databaseId
    cosmosConversationContainerId: conversationStateId
    cosmosUserContainerId: userStateId
    cosmosTimeToLive: cosmosTimeToLive
    blobConversationContainer: conversationStateId
    blobUserContainer: userStateId
  }
}

module bot 'app/bot.bicep' = {
  name: 'bot'
  scope: resourceGroup
  params: {
    name: '${abbrs.botServiceBotServices}${resourceToken}'
    tags: tags
    sku: botSku
    messagingEndpoint: 'https://${functionApp.outputs.hostName}/api/messages'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: identity.outputs.tenantId
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output BOT_NAME string = bot.outputs.name
output BOT_MESSAGING_ENDPOINT string = 'https://${functionApp.outputs.hostName}/api/messages'
output STATE_STORAGE string = stateStorage
