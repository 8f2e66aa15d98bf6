-- Argo CD health check for agentpolicy.io/AgentSession, by its phase and conditions. Admitted and Downgraded
-- sessions run and are Healthy: a downgrade is the policy at work, its reason is the message. A Denied session
-- is Degraded with the reason; so is one that is Stalled or whose pods break its policy. An Expired session is
-- Healthy: it ended as declared and there is nothing to fix or wait for. A session waiting for the approvals of
-- its exception is Suspended: it waits for people, not for the operator.
-- Only Lua's base library is used: Argo CD runs health checks without the string library.
local hs = {status = "Progressing", message = "Waiting for the operator to decide the session"}
local status = obj.status
if status == nil or status.phase == nil then
  return hs
end
if status.observedGeneration ~= obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Stalled" and condition.status == "True" then
      hs.status = "Degraded"
      hs.message = condition.message
      return hs
    end
  end
end
local reason = status.reason or ""
local pods = status.pods
if status.phase == "Denied" then
  hs.status = "Degraded"
  hs.message = "Denied: " .. reason
elseif status.phase == "Expired" then
  hs.status = "Healthy"
  hs.message = "Expired: " .. reason
elseif status.phase == "PendingApproval" then
  hs.status = "Suspended"
  hs.message = "Waiting for approval: " .. reason
elseif pods ~= nil and pods.nonCompliant ~= nil and pods.nonCompliant > 0 then
  hs.status = "Degraded"
  hs.message = tostring(pods.nonCompliant) .. " non-compliant pod(s)"
  if pods.violations ~= nil and pods.violations[1] ~= nil then
    hs.message = hs.message .. ", e.g. " .. pods.violations[1].pod .. ": " .. pods.violations[1].problem
  end
elseif status.phase == "Admitted" or status.phase == "Downgraded" then
  hs.status = "Healthy"
  hs.message = status.phase .. " as " .. status.effectiveMode .. ": " .. reason
else
  hs.message = status.phase .. ": " .. reason
end
return hs
