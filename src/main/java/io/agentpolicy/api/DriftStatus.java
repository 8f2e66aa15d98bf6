package io.agentpolicy.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftStatus {
    public static final int MAX_ENTRIES = 20;

    @JsonPropertyDescription("Total drift events since the current generation of the owning resource.")
    private Long count;

    @JsonPropertyDescription("The newest drift events, newest first, at most 20.")
    private List<DriftEntry> entries = new ArrayList<>();

    public Long getCount() {
        return count;
    }

    public void setCount(Long count) {
        this.count = count;
    }

    public List<DriftEntry> getEntries() {
        return entries;
    }

    public void setEntries(List<DriftEntry> entries) {
        this.entries = entries;
    }
}
