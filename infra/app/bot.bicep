// The Azure Bot registration. Its app is the user-assigned managed identity
// (msaAppType UserAssignedMSI), so the channels trust tokens the function app
// gets from that identity, and there is no app password to create or rotate.
param name string
param tags object
param sku string
param messagingEndpoint string
param identityId string
param identityClientId string
param identityTenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: name
    endpoint: messagingEndpoint
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: identityTenantId
    publicNetworkAccess: 'Enabled'
  }
}

output name string = bot.name
