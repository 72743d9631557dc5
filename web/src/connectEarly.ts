// Imported first by main.tsx (imports are evaluated in order): the API socket opens before React
// and the app are evaluated, so its handshake overlaps them instead of following them.
import { getConnection } from "./api/client";

getConnection();
