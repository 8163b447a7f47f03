/** Production entry: the host (Electron preload or the web host) provides the data. */
import { startApp } from './app/startApp.tsx';

startApp();
