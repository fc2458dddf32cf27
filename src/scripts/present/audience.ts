// The audience window (…/present/): the slides, full window, following the presenter.
import { startSession } from './session';

void startSession('audience');
