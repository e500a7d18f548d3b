// The one user-assigned managed identity of the bot: the function app runs as it
// (host storage, Cosmos DB or Blob state, Application Insights) and the Azure Bot
// uses it as the bot's app id, so no key or password exists anywhere.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
