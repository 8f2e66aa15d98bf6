package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Permissions {
    private static final String NOT_BLANK = "self.all(r, size(r.trim()) > 0)";
    private static final String NOT_BLANK_MESSAGE = "rules must not be empty or blank";

    @Size(max = 512)
    @ValidationRule(value = NOT_BLANK, message = NOT_BLANK_MESSAGE)
    @JsonPropertyDescription("Rules allowed without asking, e.g. \"Bash(npm test *)\", \"WebFetch(domain:github.com)\".")
    private List<String> allow;

    @Size(max = 512)
    @ValidationRule(value = NOT_BLANK, message = NOT_BLANK_MESSAGE)
    @JsonPropertyDescription("Rules that always ask, in every mode, e.g. \"Bash(git push *)\".")
    private List<String> ask;

    @Size(max = 512)
    @ValidationRule(value = NOT_BLANK, message = NOT_BLANK_MESSAGE)
    @JsonPropertyDescription("Rules that are always denied, in every mode including bypassPermissions, e.g. \"Read(./.env)\".")
    private List<String> deny;

    @Size(max = 128)
    @ValidationRule(value = "self.all(d, size(d.trim()) > 0)", message = "directories must not be empty or blank")
    @JsonPropertyDescription("Extra directories the agent may work in besides its working directory, e.g. \"//srv/shared\".")
    private List<String> additionalDirectories;

    public List<String> getAllow() {
        return allow;
    }

    public void setAllow(List<String> allow) {
        this.allow = allow;
    }

    public List<String> getAsk() {
        return ask;
    }

    public void setAsk(List<String> ask) {
        this.ask = ask;
    }

    public List<String> getDeny() {
        return deny;
    }

    public void setDeny(List<String> deny) {
        this.deny = deny;
    }

    public List<String> getAdditionalDirectories() {
        return additionalDirectories;
    }

    public void setAdditionalDirectories(List<String> additionalDirectories) {
        this.additionalDirectories = additionalDirectories;
    }
}
