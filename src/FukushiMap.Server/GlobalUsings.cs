// The analysis layer the web host binds, authorises and answers for.
global using FukushiMap.Analysis.Cities;
global using FukushiMap.Analysis.Coverage;
global using FukushiMap.Analysis.Hubs;
global using FukushiMap.Analysis.Parameters;
global using FukushiMap.Analysis.Siting;
global using FukushiMap.Analysis.Versions;

// The domain error every layer throws and the web host maps once (Infrastructure/Problems).
global using FukushiMap.Core;
global using FukushiMap.Server.Infrastructure;
global using FukushiMap.Analysis;
global using FukushiMap.Analysis.Finder;
global using FukushiMap.Analysis.Evacuation;
