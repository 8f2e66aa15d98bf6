package io.agentpolicy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the Argo CD health checks of examples/argocd/health the way Argo CD does: the object as the global `obj`,
 * and only the base, package and table libraries (Argo CD leaves out the string library unless an admin opts in).
 */
public final class ArgoCdHealth {
    public static final Path SCRIPTS = Path.of("examples/argocd/health/agentpolicy.io");

    /** What the script returned: an Argo CD health status and its message. */
    public record Health(String status, String message) {
    }

    private ArgoCdHealth() {
    }

    /** The health.lua of a kind, e.g. PermissionPolicy. */
    public static Path script(String kind) {
        return SCRIPTS.resolve(kind).resolve("health.lua");
    }

    /** The health the kind's script reports for the object (any Jackson-convertible form: a resource, a map). */
    public static Health of(String kind, Object object) {
        try {
            Globals globals = new Globals();
            globals.load(new JseBaseLib());
            globals.load(new PackageLib());
            globals.load(new TableLib());
            LoadState.install(globals);
            LuaC.install(globals);
            globals.set("obj", lua(new ObjectMapper().valueToTree(object)));
            LuaValue result = globals.load(Files.readString(script(kind)), kind + "/health.lua").call();
            LuaValue message = result.get("message");
            return new Health(result.get("status").tojstring(), message.isnil() ? null : message.tojstring());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON as Argo CD hands it to Lua: objects and arrays become tables (arrays 1-based), null becomes nil. */
    private static LuaValue lua(JsonNode json) {
        if (json == null || json.isNull()) {
            return LuaValue.NIL;
        }
        if (json.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                table.set(field.getKey(), lua(field.getValue()));
            }
            return table;
        }
        if (json.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < json.size(); i++) {
                table.set(i + 1, lua(json.get(i)));
            }
            return table;
        }
        if (json.isBoolean()) {
            return LuaValue.valueOf(json.booleanValue());
        }
        if (json.isNumber()) {
            return LuaValue.valueOf(json.doubleValue());
        }
        return LuaValue.valueOf(json.asText());
    }
}
