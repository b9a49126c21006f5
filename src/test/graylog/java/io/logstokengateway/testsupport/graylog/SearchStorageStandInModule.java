package io.logstokengateway.testsupport.graylog;

import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import org.graylog.events.search.MoreSearchAdapter;
import org.graylog.plugins.views.migrations.V20200730000000_AddGl2MessageIdFieldAliasForEvents;
import org.graylog.plugins.views.search.engine.GeneratedQueryContext;
import org.graylog.plugins.views.search.engine.QueryBackend;
import org.graylog.plugins.views.search.engine.QuerySuggestionsService;
import org.graylog.plugins.views.search.export.ExportBackend;
import org.graylog2.indexer.IndexToolsAdapter;
import org.graylog2.indexer.cluster.ClusterAdapter;
import org.graylog2.indexer.cluster.NodeAdapter;
import org.graylog2.indexer.counts.CountsAdapter;
import org.graylog2.indexer.datanode.ProxyRequestAdapter;
import org.graylog2.indexer.datanode.RemoteReindexingMigrationAdapter;
import org.graylog2.indexer.datastream.DataStreamAdapter;
import org.graylog2.indexer.fieldtypes.IndexFieldTypePollerAdapter;
import org.graylog2.indexer.fieldtypes.streamfiltered.esadapters.StreamsForFieldRetriever;
import org.graylog2.indexer.indices.IndicesAdapter;
import org.graylog2.indexer.messages.MessagesAdapter;
import org.graylog2.indexer.results.MultiChunkResultRetriever;
import org.graylog2.indexer.searches.SearchesAdapter;
import org.graylog2.indexer.security.SecurityAdapter;
import org.graylog2.migrations.V20170607164210_MigrateReopenedIndicesToAliases;
import org.graylog2.plugin.PluginModule;
import org.graylog2.storage.SearchVersion;

/**
 * Binds every storage adapter Graylog looks up by search version, as the real storage plugins do (one
 * {@link MapBinder} per adapter, keyed by the major version), to a stand-in answering empty values.
 */
final class SearchStorageStandInModule extends PluginModule {

    /** The search version Graylog is configured with ({@code elasticsearch_version}), passed by the test harness. */
    static final SearchVersion VERSION = SearchVersion.decode(System.getProperty("stand-in.search-version", "OPENSEARCH:2.19.1"));

    @Override
    protected void configure() {
        bindStandIn(SearchesAdapter.class);
        bindStandIn(MoreSearchAdapter.class);
        bindStandIn(MultiChunkResultRetriever.class);
        bindStandIn(CountsAdapter.class);
        bindStandIn(MessagesAdapter.class);
        bindStandIn(IndicesAdapter.class);
        bindStandIn(IndexToolsAdapter.class);
        bindStandIn(IndexFieldTypePollerAdapter.class);
        bindStandIn(StreamsForFieldRetriever.class);
        bindStandIn(ClusterAdapter.class);
        bindStandIn(NodeAdapter.class);
        bindStandIn(SecurityAdapter.class);
        bindStandIn(DataStreamAdapter.class);
        bindStandIn(ProxyRequestAdapter.class);
        bindStandIn(RemoteReindexingMigrationAdapter.class);
        bindStandIn(QuerySuggestionsService.class);
        bindStandIn(ExportBackend.class);
        bindStandIn(V20170607164210_MigrateReopenedIndicesToAliases.ClusterState.class);
        bindStandIn(V20200730000000_AddGl2MessageIdFieldAliasForEvents.ElasticsearchAdapter.class);
        // Graylog asks for this one by its wildcard type; the stand-in serves any query context.
        @SuppressWarnings("unchecked")
        QueryBackend<? extends GeneratedQueryContext> queryBackend = EmptyAnswers.of(QueryBackend.class, VERSION);
        MapBinder.newMapBinder(binder(), new TypeLiteral<SearchVersion>() { },
                        new TypeLiteral<QueryBackend<? extends GeneratedQueryContext>>() { })
                .addBinding(VERSION.major()).toInstance(queryBackend);
    }

    private <T> void bindStandIn(Class<T> adapter) {
        MapBinder.newMapBinder(binder(), SearchVersion.class, adapter)
                .addBinding(VERSION.major()).toInstance(EmptyAnswers.of(adapter, VERSION));
    }
}
