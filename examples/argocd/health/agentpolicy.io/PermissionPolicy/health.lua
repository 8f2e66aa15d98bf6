-- Argo CD health check for agentpolicy.io/PermissionPolicy, which reports kstatus conditions:
-- Stalled=True means the spec is invalid (the last good maps stay), Ready=True that every matched namespace
-- holds its map. A status written for an older generation says nothing about the current spec.
-- Only Lua's base library is used: Argo CD runs health checks without the string library.
local hs = {status = "Progressing", message = "Waiting for the operator to report the policy's status"}
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if obj.status.observedGeneration ~= obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end
local conditions = {}
for _, condition in ipairs(obj.status.conditions) do
  conditions[condition.type] = condition
end
local stalled, ready = conditions["Stalled"], conditions["Ready"]
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  local override = obj.status.emergencyOverride
  if override ~= nil and override.active == true then
    hs.message = hs.message .. "; emergency override active until " .. override.expiresAt
  end
elseif ready ~= nil then
  -- Reconciling: some matched namespaces do not hold their map yet.
  hs.message = ready.message
end
return hs
